using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Outflow.Api.Json;
using Outflow.Core;

namespace Outflow.Api.Errors;

/// <summary>Writes <see cref="ApiError"/> bodies, and maps Core's error kinds to HTTP statuses.</summary>
internal static class ApiErrorWriter
{
    public static ApiError FromException(ApiException exception)
    {
        var metadata = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (exception.Field is not null)
        {
            metadata["field"] = exception.Field;
        }

        if (exception.Value is not null)
        {
            metadata["value"] = ToWritableValue(exception.Value);
        }

        foreach (var (name, value) in exception.Metadata ?? new Dictionary<string, object?>())
        {
            metadata[name] = ToWritableValue(value);
        }

        return new ApiError
        {
            Status = exception.Status,
            Key = exception.Key,
            Message = exception.Message,
            Metadata = metadata.Count == 0 ? null : metadata,
        };
    }

    /// <summary>
    /// Converts NaN and infinite numbers to their invariant text ("NaN", "Infinity"), because JSON numbers cannot
    /// represent them and the serializer would throw, which turns the error response into a 500.
    /// </summary>
    private static object? ToWritableValue(object? value) => value switch
    {
        double number when !double.IsFinite(number) => number.ToString(CultureInfo.InvariantCulture),
        float number when !float.IsFinite(number) => number.ToString(CultureInfo.InvariantCulture),
        Half number when !Half.IsFinite(number) => number.ToString(CultureInfo.InvariantCulture),
        _ => value,
    };

    public static ApiException ToApiException(OutflowException exception)
    {
        var status = exception.Kind switch
        {
            ErrorKind.Invalid => StatusCodes.Status400BadRequest,
            ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        return new ApiException(status, exception.Key, exception.Message, exception.Field, exception.Value);
    }

    public static Task WriteAsync(HttpContext context, ApiError error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(
            context.Response.Body, error, ApiJson.Options, context.RequestAborted);
    }

    public static Task WriteAsync(HttpContext context, ApiException exception) =>
        WriteAsync(context, FromException(exception));
}
