namespace Outflow.Core.Connectors;

/// <summary>
/// One invalid configuration key: its JSON path (<c>configuration.port</c>), why, and its value when not secret.
/// <see cref="IsWrongType"/> is true when the value has the wrong JSON type (a string where a number belongs),
/// and false when the type is right but the value is not allowed (a port of 99999, an empty path).
/// </summary>
public sealed record ConfigurationProblem(string Field, string Message, object? Value = null, bool IsWrongType = false);
