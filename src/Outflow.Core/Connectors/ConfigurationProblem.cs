namespace Outflow.Core.Connectors;

/// <summary>One invalid configuration key: its JSON path (<c>configuration.port</c>), why, and its value when not secret.</summary>
public sealed record ConfigurationProblem(string Field, string Message, object? Value = null);
