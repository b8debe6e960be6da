namespace Outflow.Store.Rows;

internal sealed class ExecutionRow
{
    public string Id { get; set; } = "";

    public string OrganizationId { get; set; } = "";

    public string SyncId { get; set; } = "";

    public string Status { get; set; } = "";

    public string Type { get; set; } = "";

    public long CreatedAt { get; set; }

    public long? StartedAt { get; set; }

    public long? CompletedAt { get; set; }

    /// <summary>The list position: <see cref="StartedAt"/> once started, <see cref="CreatedAt"/> before.</summary>
    public long SortKey { get; set; }

    public long CountTotal { get; set; }

    public long CountInsert { get; set; }

    public long CountUpdate { get; set; }

    public long CountUpserts { get; set; }

    public long CountDelete { get; set; }

    public long CountError { get; set; }

    public long CountWarnings { get; set; }

    public string Errors { get; set; } = "";

    /// <summary>The configuration snapshot JSON without its encryption passphrase.</summary>
    public string Configuration { get; set; } = "";

    public byte[]? EncryptionPassphrase { get; set; }

    public string Options { get; set; } = "";

    public long CancelRequested { get; set; }

    public long? ScheduledFor { get; set; }
}
