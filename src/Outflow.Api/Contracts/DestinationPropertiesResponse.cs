using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>What a destination supports beyond writing mapped fields (<c>SyncDestinationProperties</c>).</summary>
internal sealed record DestinationPropertiesResponse
{
    [JsonPropertyName("does_not_report_operation_counts")]
    public required bool DoesNotReportOperationCounts { get; init; }

    [JsonPropertyName("mappings_not_required")]
    public required bool MappingsNotRequired { get; init; }

    [JsonPropertyName("optional_target_mappings")]
    public required bool OptionalTargetMappings { get; init; }

    [JsonPropertyName("requires_configuration")]
    public required bool RequiresConfiguration { get; init; }

    [JsonPropertyName("supports_field_creation")]
    public required bool SupportsFieldCreation { get; init; }

    [JsonPropertyName("supports_field_encryption")]
    public required bool SupportsFieldEncryption { get; init; }

    [JsonPropertyName("supports_field_type_selection")]
    public required bool SupportsFieldTypeSelection { get; init; }

    [JsonPropertyName("supports_identity_field_creation")]
    public required bool SupportsIdentityFieldCreation { get; init; }

    [JsonPropertyName("supports_target_filters")]
    public required bool SupportsTargetFilters { get; init; }

    [JsonPropertyName("target_creator")]
    public required bool TargetCreator { get; init; }

    [JsonPropertyName("use_field_names_as_labels")]
    public required bool UseFieldNamesAsLabels { get; init; }
}
