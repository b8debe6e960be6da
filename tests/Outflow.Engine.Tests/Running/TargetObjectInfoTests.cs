using Outflow.Core.Connectors;
using Outflow.Core.Syncs;

namespace Outflow.Engine.Tests.Running;

public sealed class TargetObjectInfoTests
{
    private static readonly TargetFieldInfo Listed = new("id", "Id", FieldType.Number, "bigint", Required: true, SupportsIdentity: true);

    [Fact]
    public void FindField_matches_id_then_name()
    {
        var target = new TargetObjectInfo("rows", "rows", [Listed], [SyncMode.Update]);

        Assert.Same(Listed, target.FindField("id"));
        Assert.Same(Listed, target.FindField("Id"));
        Assert.Null(target.FindField("email"));
    }

    [Fact]
    public void FindField_any_field_object_makes_unlisted_field()
    {
        var target = new TargetObjectInfo("rows.csv", "rows.csv", [Listed], [SyncMode.Update]) { AcceptsAnyField = true };

        var field = target.FindField("email");

        Assert.Same(Listed, target.FindField("id"));
        Assert.NotNull(field);
        Assert.Equal("email", field.Id);
        Assert.Equal(FieldType.String, field.Type);
        Assert.True(field.SupportsIdentity);
    }
}
