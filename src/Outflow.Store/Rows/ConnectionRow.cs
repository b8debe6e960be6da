namespace Outflow.Store.Rows;

internal sealed class ConnectionRow
{
    public string Id { get; set; } = "";

    public string OrganizationId { get; set; } = "";

    public string Name { get; set; } = "";

    public string Type { get; set; } = "";

    /// <summary>The configuration JSON, encrypted.</summary>
    public byte[] Configuration { get; set; } = [];

    public string Status { get; set; } = "";

    public string? StatusError { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public string UpdatedBy { get; set; } = "";
}
