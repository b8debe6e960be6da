using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Outflow.Core.Connectors;

namespace Outflow.Engine.Tests.Running;

/// <summary>
/// The real <c>postgresql</c> connector under the type id <c>flaky-postgresql</c>, whose target throws transient
/// failures on chosen write calls, the way a dropped connection does, or loses the result of a write the target
/// committed, the way a process that dies right after the commit does.
/// </summary>
internal sealed class FlakyConnectorFactory : IConnectorFactory
{
    public const string TypeId = "flaky-postgresql";

    private readonly IConnectorFactory _inner;
    private int _writeCalls;

    public FlakyConnectorFactory()
    {
        var services = new ServiceCollection().AddLogging().AddPostgreSqlConnector().BuildServiceProvider();
        _inner = services.GetServices<IConnectorFactory>().Single();
        Info = _inner.Info with { Id = TypeId };
    }

    public ConnectionTypeInfo Info { get; }

    /// <summary>The first write call (counting from 1) that fails.</summary>
    public int FailFromCall { get; set; } = int.MaxValue;

    /// <summary>How many consecutive write calls fail, starting at <see cref="FailFromCall"/>.</summary>
    public int FailureCount { get; set; }

    /// <summary>
    /// The write call (counting from 1) whose batch the target commits and whose result then never reaches the engine,
    /// which stops the execution as failed before it can checkpoint the batch.
    /// </summary>
    public int LoseResultOfCall { get; set; } = int.MaxValue;

    /// <summary>
    /// Whether the lost result of <see cref="LoseResultOfCall"/> fails the call transiently, the way a session that the
    /// server ended during the commit does, so that the engine retries the batch instead of stopping.
    /// </summary>
    public bool LostResultIsTransient { get; set; }

    /// <summary>Runs after each write call that the target committed, with the call's number (counting from 1).</summary>
    public Action<int>? AfterWrite { get; set; }

    public int WriteCalls => _writeCalls;

    /// <summary>Every batch passed to a write call, failed calls included.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<WriteBatch> Batches { get; } = new();

    public IReadOnlyList<ConfigurationProblem> Validate(JsonObject configuration, ConnectorEnvironment environment) =>
        _inner.Validate(configuration, environment);

    public Task TestAsync(JsonObject configuration, ConnectorEnvironment environment, CancellationToken cancellationToken) =>
        _inner.TestAsync(configuration, environment, cancellationToken);

    public ISourceConnector CreateSource(JsonObject configuration, ConnectorEnvironment environment) =>
        _inner.CreateSource(configuration, environment);

    public ITargetConnector CreateTarget(JsonObject configuration, ConnectorEnvironment environment) =>
        new FlakyTarget(_inner.CreateTarget(configuration, environment), this);

    /// <summary>Starts counting write calls from zero again.</summary>
    public void Reset(
        int failFromCall = int.MaxValue, int failureCount = 0, int loseResultOfCall = int.MaxValue, bool lostResultIsTransient = false)
    {
        _writeCalls = 0;
        FailFromCall = failFromCall;
        FailureCount = failureCount;
        LoseResultOfCall = loseResultOfCall;
        LostResultIsTransient = lostResultIsTransient;
    }

    private sealed class FlakyTarget(ITargetConnector inner, FlakyConnectorFactory factory) : ITargetConnector
    {
        public Task<IReadOnlyList<TargetObjectInfo>> ListObjectsAsync(CancellationToken cancellationToken) =>
            inner.ListObjectsAsync(cancellationToken);

        public Task<TargetObjectInfo?> DescribeObjectAsync(string objectId, CancellationToken cancellationToken) =>
            inner.DescribeObjectAsync(objectId, cancellationToken);

        public Task<IReadOnlyList<RecordResult>> WriteAsync(WriteBatch batch, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref factory._writeCalls);
            factory.Batches.Enqueue(batch);
            if (call >= factory.FailFromCall && call < factory.FailFromCall + factory.FailureCount)
            {
                throw new ConnectorException($"connection reset by peer (injected failure on write call {call})", isTransient: true);
            }

            return call == factory.LoseResultOfCall ? WriteThenLoseResultAsync(batch, call, cancellationToken) : WriteThenNotifyAsync(batch, call, cancellationToken);
        }

        private async Task<IReadOnlyList<RecordResult>> WriteThenNotifyAsync(WriteBatch batch, int call, CancellationToken cancellationToken)
        {
            var results = await inner.WriteAsync(batch, cancellationToken);
            factory.AfterWrite?.Invoke(call);
            return results;
        }

        private async Task<IReadOnlyList<RecordResult>> WriteThenLoseResultAsync(WriteBatch batch, int call, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(batch, cancellationToken);
            factory.AfterWrite?.Invoke(call);
            var message = $"the result of write call {call} was lost after the target committed it (injected failure)";
            if (factory.LostResultIsTransient)
            {
                throw new ConnectorException(message, isTransient: true) { MayHaveCommitted = true };
            }

            throw new InvalidOperationException(message);
        }

        public Task<IReadOnlyList<bool>> ContainsAsync(
            string objectId, string identityField, IReadOnlyList<object> identities, CancellationToken cancellationToken) =>
            inner.ContainsAsync(objectId, identityField, identities, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
