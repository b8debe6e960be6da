namespace Outflow.Store.Rows;

internal sealed class ModelRow
{
    public string Id { get; set; } = "";

    public string OrganizationId { get; set; } = "";

    public string ConnectionId { get; set; } = "";

    public string ConnectionType { get; set; } = "";

    public string Name { get; set; } = "";

    public string Configuration { get; set; } = "";

    public string Fields { get; set; } = "";

    public string? Identifier { get; set; }

    public string TrackingColumns { get; set; } = "";

    public long Version { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public string UpdatedBy { get; set; } = "";
}
