namespace Outflow.Core;

/// <summary>
/// Classes of errors a caller can cause; the API maps them to HTTP statuses.
/// </summary>
public enum ErrorKind
{
    /// <summary>Malformed input: bad JSON, wrong types, unknown enum values (HTTP 400).</summary>
    Invalid,

    /// <summary>Well-formed input that names missing objects or impossible combinations (HTTP 422).</summary>
    Unprocessable,

    /// <summary>Unknown object, or one of another organization (HTTP 404).</summary>
    NotFound,

    /// <summary>The request conflicts with the current state (HTTP 409).</summary>
    Conflict,
}

/// <summary>
/// An error caused by a caller's input or by the state of their objects, with a stable snake_case
/// <see cref="Key"/>, the JSON path of the offending input and its value where that is not a secret.
/// </summary>
public sealed class OutflowException : Exception
{
    public OutflowException(ErrorKind kind, string key, string message, string? field = null, object? value = null)
        : base(message)
    {
        Kind = kind;
        Key = key;
        Field = field;
        Value = value;
    }

    public ErrorKind Kind { get; }

    public string Key { get; }

    public string? Field { get; }

    public object? Value { get; }

    public static OutflowException Invalid(string key, string message, string? field = null, object? value = null) =>
        new(ErrorKind.Invalid, key, message, field, value);

    public static OutflowException Unprocessable(string key, string message, string? field = null, object? value = null) =>
        new(ErrorKind.Unprocessable, key, message, field, value);

    public static OutflowException NotFound(string message) => new(ErrorKind.NotFound, "not_found", message);

    public static OutflowException Conflict(string key, string message, object? value = null) =>
        new(ErrorKind.Conflict, key, message, null, value);
}
