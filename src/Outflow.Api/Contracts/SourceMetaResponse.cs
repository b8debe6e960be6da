using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The source configuration a connection accepts for models (<c>SyncSourceMetaResponse</c>): its keys, the values
/// offered for each, and the keys of which exactly one must be set.
/// </summary>
internal sealed record SourceMetaResponse(
    [property: JsonPropertyName("configuration")] Dictionary<string, ConfigurationValueResponse> Configuration,
    [property: JsonPropertyName("items")] Dictionary<string, SourceMetaItemResponse> Items,
    [property: JsonPropertyName("requires_one_of")] List<string> RequiresOneOf);
