using Outflow.Core.Connectors;

namespace Outflow.Connectors.Tests;

internal static class ReaderExtensions
{
    public static async Task<List<object?[]>> ReadAllAsync(this ISourceConnector source, ModelSource model)
    {
        var reader = await source.OpenReaderAsync(model, CancellationToken.None);
        await using (reader)
        {
            var rows = new List<object?[]>();
            while (await reader.ReadAsync(CancellationToken.None))
            {
                var values = new object?[reader.Columns.Count];
                reader.GetValues(values);
                rows.Add(values);
            }

            return rows;
        }
    }
}
