using Microsoft.AspNetCore.Http;

namespace Outflow.Api.Errors;

/// <summary>
/// An error the API returns as an <c>ApiError</c> body: the HTTP status, a key from <see cref="ApiErrorKeys"/>,
/// the JSON path of the offending input and its value, plus any further metadata entries.
/// </summary>
internal sealed class ApiException : Exception
{
    public ApiException(
        int status,
        string key,
        string message,
        string? field = null,
        object? value = null,
        IReadOnlyDictionary<string, object?>? metadata = null)
        : base(message)
    {
        Status = status;
        Key = key;
        Field = field;
        Value = value;
        Metadata = metadata;
    }

    public int Status { get; }

    public string Key { get; }

    public string? Field { get; }

    public object? Value { get; }

    public IReadOnlyDictionary<string, object?>? Metadata { get; }

    public static ApiException BadRequest(string key, string message, string? field = null, object? value = null) =>
        new(StatusCodes.Status400BadRequest, key, message, field, value);

    public static ApiException Unprocessable(string key, string message, string? field = null, object? value = null) =>
        new(StatusCodes.Status422UnprocessableEntity, key, message, field, value);

    public static ApiException NotFound(string message, string? field = null, object? value = null) =>
        new(StatusCodes.Status404NotFound, ApiErrorKeys.NotFound, message, field, value);

    public static ApiException MissingField(string field) =>
        BadRequest(ApiErrorKeys.MissingField, $"{field} is required", field);
}
