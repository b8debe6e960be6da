using System.Text.Json.Serialization;

namespace Outflow.Api.Contracts;

/// <summary>
/// The outcome of Cancel Sync and Cancel Execution (<c>CancelSyncResponse</c>, <c>CancelSyncExecutionResponse</c>).
/// Cancellation is asynchronous, so the message reports only that it was requested.
/// </summary>
internal sealed record CancelResponse([property: JsonPropertyName("message")] string Message);
