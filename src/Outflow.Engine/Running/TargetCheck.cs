using Outflow.Core.Connectors;
using Outflow.Core.Syncs;
using Outflow.Engine.Planning;

namespace Outflow.Engine.Running;

/// <summary>Checks that a target object can take what the plan writes, before any row is read.</summary>
internal static class TargetCheck
{
    /// <exception cref="ExecutionFailedException">The mode, the identity field or a written field does not fit the object.</exception>
    public static void Verify(SyncPlan plan, TargetObjectInfo targetObject)
    {
        if (targetObject.Modes.Count > 0 && !targetObject.Modes.Contains(plan.Mode))
        {
            var supported = string.Join(", ", targetObject.Modes.Select(m => m.ToWire()));
            throw new ExecutionFailedException(
                $"target object \"{targetObject.Id}\" does not support mode {plan.Mode.ToWire()}. Use one of: {supported}");
        }

        var missing = plan.TargetFields.Where(name => Find(targetObject, name) is null).ToList();
        if (missing.Count > 0)
        {
            throw new ExecutionFailedException(
                $"target object \"{targetObject.Id}\" has no field {string.Join(", ", missing.Select(m => $"\"{m}\""))}. " +
                "Add the column to the target or remove it from the sync's mapping");
        }

        if (plan.Mode == SyncMode.Append
            && targetObject.AppendFields is { Count: > 0 } appendFields
            && !appendFields.SequenceEqual(plan.TargetFields, StringComparer.Ordinal))
        {
            throw new ExecutionFailedException(
                $"target object \"{targetObject.Id}\" has the columns {string.Join(", ", appendFields)}, but the sync writes " +
                $"{string.Join(", ", plan.TargetFields)}. Map every column once, in this order, or pick another target object");
        }

        if (plan.IdentityTargetField is null)
        {
            return;
        }

        var identity = Find(targetObject, plan.IdentityTargetField)!;
        if (!identity.SupportsIdentity)
        {
            var reason = identity.IdentityProblem ?? "it has no primary key or unique index";
            throw new ExecutionFailedException(
                $"target field \"{plan.IdentityTargetField}\" of \"{targetObject.Id}\" cannot match records because {reason}. " +
                "Add a primary key or unique index, or choose another identity field");
        }
    }

    /// <summary>Returns how the target compares values of the plan's identity field.</summary>
    public static IdentityComparison FindIdentityComparison(SyncPlan plan, TargetObjectInfo targetObject) =>
        plan.IdentityTargetField is null
            ? IdentityComparison.Exact
            : Find(targetObject, plan.IdentityTargetField)?.Comparison ?? IdentityComparison.Exact;

    private static TargetFieldInfo? Find(TargetObjectInfo targetObject, string name) => targetObject.FindField(name);
}
