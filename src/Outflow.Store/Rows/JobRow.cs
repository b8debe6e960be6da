namespace Outflow.Store.Rows;

internal sealed class JobRow
{
    public string Id { get; set; } = "";

    public string OrganizationId { get; set; } = "";

    public string Type { get; set; } = "";

    public string Status { get; set; } = "";

    public string? Result { get; set; }

    public string? Error { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }
}
