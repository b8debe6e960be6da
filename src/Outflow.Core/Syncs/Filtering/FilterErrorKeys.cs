namespace Outflow.Core.Syncs.Filtering;

/// <summary>The error keys that filter and override validation raises; the API returns them unchanged.</summary>
public static class FilterErrorKeys
{
    public const string InvalidField = "invalid_field";
    public const string MissingField = "missing_field";
    public const string UnsupportedOption = "unsupported_option";
    public const string UnknownModelField = "unknown_model_field";
    public const string MultipleModelsUnsupported = "multiple_models_unsupported";
    public const string InvalidFilter = "invalid_filter";
    public const string InvalidFilterLogic = "invalid_filter_logic";
    public const string InvalidOverride = "invalid_override";
}
