namespace Outflow.Engine.Logs;

/// <summary>The stable <c>key</c> values of error and warning log lines.</summary>
internal static class RecordLogKeys
{
    public const string DuplicateIdentity = "duplicate_identity";
    public const string MissingIdentity = "missing_identity";
    public const string TargetRejected = "target_rejected";
    public const string RecordNotFound = "record_not_found";
    public const string ValueCoerced = "value_coerced";
    public const string ValueUnreadable = "value_unreadable";
}
