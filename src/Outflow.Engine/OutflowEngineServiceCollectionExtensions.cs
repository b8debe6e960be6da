using Microsoft.Extensions.DependencyInjection.Extensions;
using Outflow.Core.Connectors;
using Outflow.Core.Executions;
using Outflow.Engine;
using Outflow.Engine.Logs;

namespace Microsoft.Extensions.DependencyInjection;

public static class OutflowEngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the execution engine as <see cref="IExecutionRunner"/> and its log files as <see cref="IExecutionLogFiles"/>. The host also registers the stores,
    /// the connector factories and a <see cref="ConnectorEnvironment"/>.
    /// </summary>
    public static IServiceCollection AddOutflowEngine(this IServiceCollection services, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts, "MaxAttempts must be at least 1.");
        }

        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConnectorRegistry>();
        services.TryAddSingleton<IExecutionRunner, ExecutionRunner>();
        services.TryAddSingleton<ExecutionLogFiles>();
        services.TryAddSingleton<IExecutionLogFiles>(provider => provider.GetRequiredService<ExecutionLogFiles>());
        return services;
    }
}
