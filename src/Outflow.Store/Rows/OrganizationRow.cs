namespace Outflow.Store.Rows;

internal sealed class OrganizationRow
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public long CreatedAt { get; set; }
}
