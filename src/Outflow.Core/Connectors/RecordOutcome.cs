namespace Outflow.Core.Connectors;

/// <summary>What a target actually did with one record of a confirmed batch.</summary>
public enum RecordOutcome
{
    Inserted,
    Updated,
    Deleted,

    /// <summary>Nothing was written: an <see cref="RecordOperation.Insert"/> found an existing record.</summary>
    Skipped,

    /// <summary>An <see cref="RecordOperation.Update"/> or <see cref="RecordOperation.Delete"/> found no record.</summary>
    NotFound,

    /// <summary>The target rejected this record; the others of the batch were written.</summary>
    Failed,
}
