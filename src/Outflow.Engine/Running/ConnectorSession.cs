using Outflow.Core;
using Outflow.Core.Connections;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Core.Models;
using Outflow.Engine.Planning;

namespace Outflow.Engine.Running;

/// <summary>The model and the open source and target connectors of one execution, checked against its plan.</summary>
internal sealed class ConnectorSession : IAsyncDisposable
{
    private ConnectorSession(Model model, ModelSource modelSource)
    {
        Model = model;
        ModelSource = modelSource;
    }

    public Model Model { get; }

    public ModelSource ModelSource { get; }

    /// <summary>The target object as described when the session opened.</summary>
    public TargetObjectInfo? TargetObject { get; private set; }

    public ISourceConnector? Source { get; private set; }

    public ITargetConnector? Target { get; private set; }

    /// <exception cref="ExecutionFailedException">The model, a connection or the target object is missing or unusable.</exception>
    public static async Task<ConnectorSession> OpenAsync(
        Execution execution, SyncPlan plan, EngineServices services, CancellationToken cancellationToken)
    {
        var organizationId = execution.OrganizationId;
        var model = await services.Models.GetAsync(organizationId, plan.ModelId, cancellationToken).ConfigureAwait(false)
            ?? throw new ExecutionFailedException(
                $"model {plan.ModelId} was not found. It may have been deleted, so point the sync at an existing model");
        ModelSource modelSource;
        try
        {
            modelSource = ModelSource.Parse(model.Configuration);
        }
        catch (OutflowException exception)
        {
            throw new ExecutionFailedException($"model \"{model.Name}\" has an invalid configuration: {exception.Message}");
        }

        var sourceConnection = await FindConnectionAsync(services, organizationId, model.ConnectionId, "source", cancellationToken)
            .ConfigureAwait(false);
        var targetConnection = await FindConnectionAsync(services, organizationId, plan.TargetConnectionId, "target", cancellationToken)
            .ConfigureAwait(false);

        var session = new ConnectorSession(model, modelSource);
        try
        {
            session.Source = Create(services, sourceConnection, "source", f => f.CreateSource(sourceConnection.Configuration, services.Environment));
            // The target sizes its write sessions' idle-transaction timeout from the lease that this engine fences with.
            var targetEnvironment = services.Environment with
            {
                EncryptionPassphrase = execution.Configuration.EncryptionPassphrase,
                ExecutionLease = services.Options.LeaseDuration,
            };
            session.Target = Create(
                services, targetConnection, "target", f => f.CreateTarget(targetConnection.Configuration, targetEnvironment));
            var targetObject = await session.Target.DescribeObjectAsync(plan.TargetObject, cancellationToken).ConfigureAwait(false)
                ?? throw new ExecutionFailedException(
                    $"target object \"{plan.TargetObject}\" was not found on connection \"{targetConnection.Name}\". " +
                    "Create it or point the sync at an existing object");
            TargetCheck.Verify(plan, targetObject);
            session.TargetObject = targetObject;
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var source = Source;
        var target = Target;
        Source = null;
        Target = null;
        try
        {
            if (source is not null)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            if (target is not null)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<Connection> FindConnectionAsync(
        EngineServices services, Guid organizationId, Guid connectionId, string role, CancellationToken cancellationToken)
    {
        return await services.Connections.GetAsync(organizationId, connectionId, cancellationToken).ConfigureAwait(false)
            ?? throw new ExecutionFailedException(
                $"{role} connection {connectionId} was not found. It may have been deleted, so update the sync or its model");
    }

    private static T Create<T>(EngineServices services, Connection connection, string role, Func<IConnectorFactory, T> create)
    {
        var factory = services.Registry.Find(connection.Type)
            ?? throw new ExecutionFailedException(
                $"connection type \"{connection.Type}\" of {role} connection \"{connection.Name}\" is not available on this server");
        try
        {
            return create(factory);
        }
        catch (NotSupportedException)
        {
            throw new ExecutionFailedException(
                $"connection \"{connection.Name}\" of type \"{connection.Type}\" cannot be a {role}. Choose another connection");
        }
    }
}
