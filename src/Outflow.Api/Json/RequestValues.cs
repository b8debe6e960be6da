using System.Globalization;
using Microsoft.AspNetCore.Http;
using Outflow.Api.Errors;

namespace Outflow.Api.Json;

/// <summary>
/// Parses path ids and query parameters by hand, so that bad values get an <c>ApiError</c> naming the
/// parameter instead of the framework's bare 400.
/// </summary>
internal static class RequestValues
{
    /// <summary>The longest display name accepted for a connection, model or sync, in UTF-16 code units.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Returns a required display name.</summary>
    /// <exception cref="ApiException">The name is missing, blank, or longer than <see cref="MaxNameLength"/>.</exception>
    public static string RequireName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ApiException.MissingField("name");
        }

        if (name.Length > MaxNameLength)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidField,
                $"name is {name.Length} characters long: use at most {MaxNameLength}",
                "name");
        }

        return name;
    }

    /// <summary>
    /// Parses the path id in route parameter <paramref name="field"/>; a malformed UUID is treated as an unknown object
    /// (404 naming the parameter and the text).
    /// </summary>
    public static Guid ParseId(string? text, string what, string field = "id")
    {
        if (!Guid.TryParseExact(text, "D", out var id))
        {
            throw ApiException.NotFound($"{what} {text} was not found", field, text);
        }

        return id;
    }

    /// <summary>Reads a query boolean; only the literals <c>true</c> and <c>false</c> are accepted.</summary>
    public static bool? ReadBoolean(HttpRequest request, string name)
    {
        var text = Single(request, name);
        return text switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter,
                $"query parameter {name} must be true or false, got \"{text}\"",
                name,
                text),
        };
    }

    public static Guid? ReadGuid(HttpRequest request, string name)
    {
        var text = Single(request, name);
        if (text is null)
        {
            return null;
        }

        if (!Guid.TryParse(text, out var value))
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter, $"query parameter {name} must be a UUID, got \"{text}\"", name, text);
        }

        return value;
    }

    /// <summary>
    /// Reads a page size: a missing value, one that is not positive or one above <paramref name="max"/> means
    /// <paramref name="max"/>, however many digits it has. Anything but an integer gets 400.
    /// </summary>
    public static int ReadLimit(HttpRequest request, string name, int max)
    {
        var text = Single(request, name);
        if (text is null)
        {
            return max;
        }

        var digits = text.AsSpan();
        if (digits[0] is '-' or '+')
        {
            digits = digits[1..];
        }

        if (digits.Length == 0 || digits.IndexOfAnyExceptInRange('0', '9') >= 0)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter, $"query parameter {name} must be an integer, got \"{text}\"", name, text);
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= max
            ? value
            : max;
    }

    /// <summary>Reads a query string parameter; an empty value counts as absent.</summary>
    public static string? ReadString(HttpRequest request, string name) => Single(request, name);

    private static string? Single(HttpRequest request, string name)
    {
        var values = request.Query[name];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        if (values.Count > 1)
        {
            throw ApiException.BadRequest(
                ApiErrorKeys.InvalidQueryParameter, $"query parameter {name} was sent {values.Count} times; send it once", name);
        }

        return values[0];
    }
}
