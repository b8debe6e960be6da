using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outflow.Api.Contracts;
using Outflow.Api.Errors;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Models;

namespace Outflow.Api.Models;

/// <summary>
/// Reads the first <see cref="RowCount"/> rows of a saved model from its source, with values encoded by
/// <see cref="JsonValueWriter"/> as record logs encode them. Only the model's source fields are read:
/// additional (user-added) fields have no source column, so samples carry no value for them.
/// </summary>
internal sealed class ModelSampler
{
    /// <summary>The maximum number of rows in a sample.</summary>
    public const int RowCount = 10;

    private readonly IConnectionStore _connections;
    private readonly ConnectorRegistry _registry;
    private readonly ConnectorEnvironment _environment;

    public ModelSampler(IConnectionStore connections, ConnectorRegistry registry, ConnectorEnvironment environment)
    {
        _connections = connections;
        _registry = registry;
        _environment = environment;
    }

    /// <exception cref="ApiException">The model's connection is gone or is no source (422), or the source failed (422).</exception>
    public async Task<ModelSampleResponse> SampleAsync(Model model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var connection = await _connections.GetAsync(model.OrganizationId, model.ConnectionId, cancellationToken)
            ?? throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionNotFound,
                $"connection {model.ConnectionId} of model {model.Id} was not found: update the model with an existing connection",
                "connection_id",
                model.ConnectionId);
        var factory = _registry.Find(connection.Type);
        if (factory is null || !factory.Info.IsSource)
        {
            throw ApiException.Unprocessable(
                ApiErrorKeys.ConnectionNotSource,
                $"connection {connection.Id} of type {connection.Type} cannot be a model source: update the model with a source connection",
                "connection_id",
                connection.Id);
        }

        var source = ModelSource.Parse(model.Configuration);
        try
        {
            await using var connector = factory.CreateSource(connection.Configuration, _environment);
            await using var reader = await connector.OpenReaderAsync(source, cancellationToken);
            return await ReadAsync(model, reader, cancellationToken);
        }
        catch (ConnectorException) when (cancellationToken.IsCancellationRequested)
        {
            // Some drivers report a canceled command as a failure, so a canceled token decides what it means.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (ConnectorException exception)
        {
            var field = source.Query is not null ? "configuration.query" : "configuration.table";
            throw ApiException.Unprocessable(
                ApiErrorKeys.ModelQueryFailed,
                $"{exception.Message} (connection {connection.Id}): fix the model's {field} and try again",
                field,
                source.Query ?? source.Table);
        }
    }

    private static async Task<ModelSampleResponse> ReadAsync(Model model, ISourceReader reader, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();
        var columns = new List<(string Name, int Index)>();
        foreach (var field in model.Fields.Where(field => !field.UserAdded))
        {
            var index = IndexOf(reader.Columns, field.Name);
            if (index < 0)
            {
                warnings.Add($"model field {field.Name} is no longer a column of the model's result: update the model with refresh=true");
                continue;
            }

            columns.Add((field.Name, index));
        }

        var modelKey = model.Id.ToString("D");
        var values = new object?[reader.Columns.Count];
        var records = new List<JsonObject>();
        var buffer = new ArrayBufferWriter<byte>();
        while (records.Count < RowCount && await reader.ReadAsync(cancellationToken))
        {
            reader.GetValues(values);
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var (name, index) in columns)
                {
                    writer.WritePropertyName(name);
                    if (values[index] is UnreadableValue unreadable)
                    {
                        warnings.Add($"row {records.Count + 1}, field {name}: {unreadable.Message}; the sample shows null");
                        writer.WriteNullValue();
                    }
                    else
                    {
                        JsonValueWriter.Write(writer, values[index]);
                    }
                }

                writer.WriteEndObject();
            }

            var fields = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
            records.Add(new JsonObject { [modelKey] = fields });
        }

        return new ModelSampleResponse { Records = records, Warnings = warnings };
    }

    private static int IndexOf(IReadOnlyList<SourceColumn> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
