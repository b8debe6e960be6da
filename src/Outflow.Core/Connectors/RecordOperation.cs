namespace Outflow.Core.Connectors;

/// <summary>What the engine requests a target to do with one record.</summary>
public enum RecordOperation
{
    /// <summary>Insert when no record has the identity; otherwise leave the existing one untouched.</summary>
    Insert,

    /// <summary>Update the record with the identity; report <see cref="RecordOutcome.NotFound"/> when there is none.</summary>
    Update,

    /// <summary>Insert or update by identity.</summary>
    Upsert,

    /// <summary>Delete the record with the identity; deleting a missing record is not an error.</summary>
    Delete,

    /// <summary>Insert a new record without matching existing ones (append and snapshot modes).</summary>
    Append,
}
