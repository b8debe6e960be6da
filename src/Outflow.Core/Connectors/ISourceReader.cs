namespace Outflow.Core.Connectors;

/// <summary>
/// A forward-only stream of a model's rows. Values are normalized to one of: <c>null</c>,
/// <see cref="bool"/>, <see cref="long"/>, <see cref="decimal"/>, <see cref="double"/>, <see cref="string"/>,
/// <see cref="DateTimeOffset"/> (an instant, offset zero), <see cref="DateTime"/> (a timestamp without time
/// zone, kind unspecified), <see cref="DateOnly"/>, <see cref="TimeOnly"/> or <see cref="byte"/>[].
/// JSON values arrive as their JSON text in a <see cref="string"/>. A value that has none of these forms exactly
/// arrives as an <see cref="UnreadableValue"/> saying why.
/// </summary>
public interface ISourceReader : IAsyncDisposable
{
    IReadOnlyList<SourceColumn> Columns { get; }

    /// <summary>Advances to the next row; returns false after the last one.</summary>
    /// <exception cref="ConnectorException">The source failed while reading.</exception>
    ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Copies the current row's values into <paramref name="values"/>, one per column.</summary>
    void GetValues(object?[] values);
}
