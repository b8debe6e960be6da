namespace Outflow.Store.Rows;

internal sealed class SyncRow
{
    public string Id { get; set; } = "";

    public string OrganizationId { get; set; } = "";

    /// <summary>The configuration JSON without its encryption passphrase.</summary>
    public string Configuration { get; set; } = "";

    public byte[]? EncryptionPassphrase { get; set; }

    public long Active { get; set; }

    public string? Mode { get; set; }

    public string? TargetConnectionId { get; set; }

    public long CreatedAt { get; set; }

    public long UpdatedAt { get; set; }

    public string CreatedBy { get; set; } = "";

    public string UpdatedBy { get; set; } = "";
}
