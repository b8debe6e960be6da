using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Api.Errors;
using Outflow.Core.Connectors;

namespace Outflow.Api.Connections;

/// <summary>Masks secrets in connection configurations and builds the JSON Schema of a connection type.</summary>
internal static class ConnectionConfigurations
{
    /// <summary>The placeholder returned in place of a secret; sent back in an update, it keeps the stored value.</summary>
    public const string Mask = "********";

    /// <summary>
    /// Returns a copy with every secret value replaced by <see cref="Mask"/>. When the type is unknown, every
    /// value is masked, because without the type no key is known to be safe to show.
    /// </summary>
    public static JsonObject Masked(JsonObject configuration, ConnectionTypeInfo? info)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in configuration)
        {
            var secret = info is null || info.IsSecret(key);
            copy[key] = secret && value is not null ? JsonValue.Create(Mask) : value?.DeepClone();
        }

        return copy;
    }

    /// <summary>
    /// Replaces secrets sent as <see cref="Mask"/> with the stored values; drops them when none is stored.
    /// </summary>
    /// <exception cref="ApiException">
    /// A secret is masked while another key changed. Keeping the stored secret then would send it to wherever the
    /// new settings point, for example a host of the caller's choosing, so the caller must send the secret again.
    /// </exception>
    public static void RestoreMaskedSecrets(JsonObject configuration, JsonObject stored, ConnectionTypeInfo info)
    {
        var maskedSecrets = configuration
            .Where(pair => info.IsSecret(pair.Key) && IsMask(pair.Value))
            .Select(pair => pair.Key)
            .ToList();
        if (maskedSecrets.Count == 0)
        {
            return;
        }

        var changed = info.Configuration
            .Where(field => !field.Secret)
            .FirstOrDefault(field => !JsonNode.DeepEquals(
                configuration[field.Name] ?? field.Default, stored[field.Name] ?? field.Default));
        if (changed is not null)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidConfiguration,
                $"configuration.{maskedSecrets[0]} is masked but configuration.{changed.Name} changed: send the real "
                + $"{maskedSecrets[0]} again, because the stored one is kept only while the other settings stay the same",
                $"configuration.{maskedSecrets[0]}");
        }

        foreach (var key in maskedSecrets)
        {
            if (stored.TryGetPropertyValue(key, out var storedValue) && storedValue is not null)
            {
                configuration[key] = storedValue.DeepClone();
            }
            else
            {
                configuration.Remove(key);
            }
        }
    }

    /// <summary>
    /// Returns <paramref name="sent"/> with the stored values of the keys it leaves out. A secret that is left out or
    /// sent as <see cref="Mask"/> takes the stored value under the rule of <see cref="RestoreMaskedSecrets"/>.
    /// </summary>
    /// <exception cref="ApiException">A stored secret would be used while another key differs from its stored value.</exception>
    public static JsonObject MergeOverStored(JsonObject sent, JsonObject stored, ConnectionTypeInfo info)
    {
        var merged = (JsonObject)sent.DeepClone();
        var omittedSecret = default(string);
        foreach (var (key, value) in stored)
        {
            if (merged.ContainsKey(key))
            {
                continue;
            }

            if (info.IsSecret(key) && value is not null)
            {
                omittedSecret ??= key;
                merged[key] = JsonValue.Create(Mask);
            }
            else
            {
                merged[key] = value?.DeepClone();
            }
        }

        var changed = info.Configuration
            .Where(field => !field.Secret)
            .FirstOrDefault(field => !JsonNode.DeepEquals(merged[field.Name] ?? field.Default, stored[field.Name] ?? field.Default));
        if (omittedSecret is not null && changed is not null)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.InvalidConfiguration,
                $"configuration.{omittedSecret} was not sent but configuration.{changed.Name} differs from the stored "
                + $"connection's: send {omittedSecret} too, because the stored one is used only while the other settings stay the same",
                $"configuration.{omittedSecret}");
        }

        RestoreMaskedSecrets(merged, stored, info);
        return merged;
    }

    private static bool IsMask(JsonNode? value) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String && text.GetValue<string>() == Mask;

    /// <summary>Builds a JSON Schema (draft 2020-12) of a connection type's configuration object.</summary>
    public static JsonObject BuildJsonSchema(ConnectionTypeInfo info)
    {
        var properties = new JsonObject();
        foreach (var field in info.Configuration)
        {
            var property = new JsonObject
            {
                ["type"] = field.Type,
                ["title"] = field.Name,
                ["description"] = field.Description,
            };
            if (field.Default is not null)
            {
                property["default"] = field.Default.DeepClone();
            }

            if (field.AllowedValues is { } allowed)
            {
                property["enum"] = new JsonArray([.. allowed.Select(value => JsonValue.Create(value))]);
            }

            if (field.Secret)
            {
                property["writeOnly"] = true;
            }

            properties[field.Name] = property;
        }

        var required = new JsonArray();
        foreach (var field in info.Configuration.Where(f => f.Required))
        {
            required.Add(field.Name);
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"outflow:connection_types/{info.Id}",
            ["title"] = info.Name,
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
        };
    }

    /// <summary>Returns the defaults of a connection type's configuration, as a starting configuration.</summary>
    public static JsonObject InitialConfiguration(ConnectionTypeInfo info)
    {
        var initial = new JsonObject();
        foreach (var field in info.Configuration.Where(f => f.Default is not null))
        {
            initial[field.Name] = field.Default!.DeepClone();
        }

        return initial;
    }
}
