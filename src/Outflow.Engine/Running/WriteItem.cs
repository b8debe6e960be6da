using Outflow.Core.Connectors;
using Outflow.Engine.Scratch;

namespace Outflow.Engine.Running;

/// <summary>A record sent to the target, with the pending row it came from.</summary>
internal sealed record WriteItem(PendingRecord Pending, TargetRecord Record);
