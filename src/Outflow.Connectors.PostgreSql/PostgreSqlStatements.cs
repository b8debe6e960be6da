using Outflow.Core.Connectors;
using static Outflow.Connectors.PostgreSql.PostgreSqlIdentifiers;

namespace Outflow.Connectors.PostgreSql;

/// <summary>
/// The set-based statements that write one batch's records from the staging table that <see cref="PostgreSqlStage"/>
/// fills. Each statement writes the staged records of one operation whose ordinals lie between its parameters $1 and
/// $2, and casts every staged value to its column's type. It returns the ordinals of the records it wrote, so the
/// results distinguish inserted, updated, skipped and missing records.
/// </summary>
/// <remarks>
/// Staged column <c>v0</c> is the record's identity and <c>v1</c> to <c>vn</c> are its values in field order. Insert
/// and upsert statements map the rows they return back to ordinals by the identity column, so they take the identity
/// from the field when the fields include it, as the row stores it.
/// </remarks>
internal sealed class PostgreSqlStatements
{
    // The alias names the table's row in every statement, whatever the table is called.
    private const string TargetAlias = "outflow_target";

    private readonly WriteBatch _batch;
    private readonly List<PostgreSqlColumn> _fields;
    private readonly PostgreSqlColumn? _identity;
    private readonly int _identityFieldIndex = -1;
    private readonly string _append;
    private readonly string? _upsert;
    private readonly string? _insert;
    private readonly string? _update;
    private readonly string? _delete;
    private readonly string? _copyNew;

    /// <exception cref="ConnectorException">The identity column or a field is not a writable column of the table, or the identity column has no unique index.</exception>
    public PostgreSqlStatements(PostgreSqlTable table, WriteBatch batch)
    {
        _batch = batch;
        _fields = batch.Fields
            .Select(name => table.FindColumn(name)
                ?? throw new ConnectorException($"field {name} is not a writable column of table {table.ObjectId}; map the field to one of its columns."))
            .ToList();
        var fieldCasts = _fields.Select((c, i) => Cast(i + 1, c)).ToList();

        // Without a column list and with no selected columns, every column of the new rows takes its default.
        _append = _fields.Count == 0
            ? $"INSERT INTO {table.QuotedName} SELECT FROM {PostgreSqlStage.Name} s {OrdinalRange} ORDER BY s.ordinal"
            : $"INSERT INTO {table.QuotedName} ({ColumnList(_fields)}) SELECT {string.Join(", ", fieldCasts)} " +
                $"FROM {PostgreSqlStage.Name} s {OrdinalRange} ORDER BY s.ordinal";

        // A batch of Append records only has no identity field and needs no statement that matches records.
        if (batch.IdentityField is null)
        {
            return;
        }

        var identity = FindIdentity(table, batch.IdentityField);
        _identity = identity;
        _identityFieldIndex = _fields.IndexOf(identity);
        var quotedIdentity = Quote(identity.Name);
        var targetIdentity = $"{TargetAlias}.{quotedIdentity}";

        // Insert columns are the fields, with the identity column first when the fields lack it. Column cn of
        // outflow_rows is insert column n, and ck is the identity.
        List<PostgreSqlColumn> insertColumns = _identityFieldIndex >= 0 ? _fields : [identity, .. _fields];
        List<string> insertCasts = _identityFieldIndex >= 0 ? fieldCasts : [Cast(0, identity), .. fieldCasts];
        var identityColumn = $"c{insertColumns.IndexOf(identity)}";
        _copyNew = table.RewritesInserts || insertColumns.Any(c => c.IsAlwaysIdentity)
            ? null
            : $"COPY {table.QuotedName} ({ColumnList(insertColumns)}) FROM STDIN";
        var insertRows =
            $"SELECT s.ordinal AS outflow_ordinal, {string.Join(", ", insertCasts.Select((cast, i) => $"{cast} AS c{i}"))} " +
            $"FROM {PostgreSqlStage.Name} s {OrdinalRange}";
        var insert =
            $"INSERT INTO {table.QuotedName} AS {TargetAlias} ({ColumnList(insertColumns)}) " +
            $"SELECT {string.Join(", ", insertColumns.Select((_, i) => $"c{i}"))} FROM outflow_rows ORDER BY outflow_ordinal";

        // An upsert without other columns still needs an assignment so that the conflicting row is returned.
        // A create-only field keeps its current value unless that is NULL.
        var updatable = insertColumns.Where(c => c != identity).ToList();
        var excludedAssignments = updatable.Count == 0
            ? $"{quotedIdentity} = EXCLUDED.{quotedIdentity}"
            : string.Join(", ", updatable.Select(c => IsCreateOnly(c)
                ? $"{Quote(c.Name)} = COALESCE({TargetAlias}.{Quote(c.Name)}, EXCLUDED.{Quote(c.Name)})"
                : $"{Quote(c.Name)} = EXCLUDED.{Quote(c.Name)}"));

        // Two records with one identity value make the upsert fail with "ON CONFLICT DO UPDATE command cannot affect
        // row a second time", so each returned row matches exactly one record.
        // NOTE: a BEFORE trigger that changes the identity value, or drops the row, makes it match no record, which is
        // then reported as updated by an upsert and as skipped by an insert.
        _upsert = $"""
            WITH outflow_rows AS ({insertRows}),
            outflow_written AS (
                {insert}
                ON CONFLICT ({quotedIdentity}) DO UPDATE SET {excludedAssignments}
                RETURNING {targetIdentity} AS outflow_identity, ({TargetAlias}.xmax = 0) AS outflow_inserted)
            SELECT r.outflow_ordinal, w.outflow_inserted
            FROM outflow_written w JOIN outflow_rows r ON w.outflow_identity = r.{identityColumn}
            """;

        // Only the first record of an identity value is inserted, so a later one is skipped as the existing row would be.
        _insert = $"""
            WITH outflow_rows AS (
                SELECT DISTINCT ON ({identityColumn}) * FROM ({insertRows}) AS cast_rows ORDER BY {identityColumn}, outflow_ordinal),
            outflow_written AS (
                {insert}
                ON CONFLICT ({quotedIdentity}) DO NOTHING
                RETURNING {targetIdentity} AS outflow_identity)
            SELECT r.outflow_ordinal, true
            FROM outflow_written w JOIN outflow_rows r ON w.outflow_identity = r.{identityColumn}
            """;

        // Update and delete match the staged identity (c0). An UPDATE … FROM applies only one of two records with the
        // same identity value and returns one ordinal. So the update returns whether its record is the only one with
        // the value, and the caller rejects the batch when it is not.
        var updateFields = _fields.Where(c => c != identity).ToList();
        var updateRows =
            $"SELECT s.ordinal AS outflow_ordinal, {Cast(0, identity)} AS c0" +
            string.Concat(updateFields.Select((c, i) => $", {Cast(_fields.IndexOf(c) + 1, c)} AS c{i + 1}")) +
            $" FROM {PostgreSqlStage.Name} s {OrdinalRange}";
        var assignments = updateFields.Count == 0
            ? $"{quotedIdentity} = {targetIdentity}"
            : string.Join(", ", updateFields.Select((c, i) => IsCreateOnly(c)
                ? $"{Quote(c.Name)} = COALESCE({TargetAlias}.{Quote(c.Name)}, r.c{i + 1})"
                : $"{Quote(c.Name)} = r.c{i + 1}"));
        _update = $"""
            UPDATE {table.QuotedName} AS {TargetAlias} SET {assignments}
            FROM (SELECT *, count(*) OVER (PARTITION BY c0) AS outflow_matches FROM ({updateRows}) AS cast_rows) AS r
            WHERE {targetIdentity} = r.c0
            RETURNING r.outflow_ordinal, r.outflow_matches = 1
            """;

        // Only the first record of an identity value can delete the row, so a later one is not found.
        _delete = $"""
            DELETE FROM {table.QuotedName} AS {TargetAlias}
            USING (
                SELECT DISTINCT ON (c0) s.ordinal AS outflow_ordinal, {Cast(0, identity)} AS c0
                FROM {PostgreSqlStage.Name} s {OrdinalRange} ORDER BY c0, s.ordinal) AS r
            WHERE {targetIdentity} = r.c0
            RETURNING r.outflow_ordinal, true
            """;
    }

    /// <summary>
    /// The COPY that inserts upsert and insert records straight into the table, with the converted values from index
    /// <see cref="CopyNewFirstValue"/> on. It fails as a whole when a record's identity is already in the table, where
    /// the statements would update or skip that record. It is null where a COPY would write other rows than the
    /// statements: the table has rules or BEFORE INSERT triggers, or a written column is GENERATED ALWAYS.
    /// </summary>
    public string? CopyNewSql => _copyNew;

    /// <summary>The index of the first converted value that <see cref="CopyNewSql"/> takes: 0 contains the identity only when the fields lack it.</summary>
    public int CopyNewFirstValue => _identityFieldIndex >= 0 ? 1 : 0;

    /// <summary>The number of staged columns after the ordinal: the identity, then one per field.</summary>
    public int StageColumnCount => _fields.Count + 1;

    private static string OrdinalRange => "WHERE s.ordinal BETWEEN $1 AND $2";

    /// <summary>Returns the column that matches records by <paramref name="identityField"/>.</summary>
    /// <exception cref="ConnectorException">The field is not a writable column, or the column cannot identify records.</exception>
    public static PostgreSqlColumn FindIdentity(PostgreSqlTable table, string identityField)
    {
        var identity = table.FindColumn(identityField)
            ?? throw new ConnectorException(
                $"identity field {identityField} is not a writable column of table {table.ObjectId}; pick one of its columns.");
        if (identity.IdentityProblem is { } problem)
        {
            throw new ConnectorException(
                $"column {identity.Name} of table {table.ObjectId} cannot identify records because {problem}; " +
                "pick a column with a primary key or unique index under a deterministic collation, or add one.");
        }

        return identity;
    }

    /// <summary>
    /// Returns the statement that writes the staged records of <paramref name="operation"/>. Its result rows are the
    /// ordinal of each written record and a flag: true when an upsert inserted the row, false when an update matched
    /// the row together with another record of the batch, and true otherwise. Append statements return no rows.
    /// </summary>
    public string Sql(RecordOperation operation) =>
        operation switch
        {
            RecordOperation.Append => _append,
            RecordOperation.Upsert => _upsert!,
            RecordOperation.Insert => _insert!,
            RecordOperation.Update => _update!,
            RecordOperation.Delete => _delete!,
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown record operation"),
        };

    /// <summary>
    /// Converts one record's values to their staged form, or returns the message of the value its column would
    /// change. The warning collects how the columns store the record's values.
    /// </summary>
    /// <exception cref="ArgumentException">The record's values do not match the fields, or it needs the identity field the batch lacks.</exception>
    public (object?[]? Values, string? Warning, string? Error) Convert(TargetRecord record)
    {
        if (record.Operation != RecordOperation.Delete && record.Values.Length != _batch.Fields.Count)
        {
            throw new ArgumentException(
                $"a record has {record.Values.Length} values but the batch has {_batch.Fields.Count} fields", nameof(record));
        }

        if (record.Operation != RecordOperation.Append && _identity is null)
        {
            throw new ArgumentException(
                $"a {record.Operation} record needs the batch's identity field, which is null; only Append records can do without it",
                nameof(record));
        }

        if (record.Operation is not (RecordOperation.Append or RecordOperation.Upsert or RecordOperation.Insert
            or RecordOperation.Update or RecordOperation.Delete))
        {
            throw new ArgumentOutOfRangeException(nameof(record), record.Operation, "unknown record operation");
        }

        var staged = new object?[StageColumnCount];

        // Most records get no warning, so the list is created with the first one.
        List<string>? warnings = null;
        try
        {
            switch (record.Operation)
            {
                case RecordOperation.Append:
                    ConvertValues(staged, record, skip: -1, ref warnings);
                    break;
                case RecordOperation.Upsert or RecordOperation.Insert:
                    if (_identityFieldIndex < 0)
                    {
                        staged[0] = Convert(record.Identity, _identity!, ref warnings);
                    }

                    ConvertValues(staged, record, skip: -1, ref warnings);
                    break;
                case RecordOperation.Update:
                    staged[0] = Convert(record.Identity, _identity!);
                    ConvertValues(staged, record, skip: _identityFieldIndex, ref warnings);
                    break;
                default:
                    staged[0] = Convert(record.Identity, _identity!);
                    break;
            }
        }
        catch (PostgreSqlValueException exception)
        {
            return (null, null, exception.Message);
        }

        // The statements match rows by the identity with "=", which a NULL never satisfies.
        var identityColumn = record.Operation is RecordOperation.Upsert or RecordOperation.Insert && _identityFieldIndex >= 0
            ? _identityFieldIndex + 1
            : 0;
        if (record.Operation != RecordOperation.Append && staged[identityColumn] is null)
        {
            return (null, null, $"field {_identity!.Name}: the identity value is null, so the record cannot be matched; " +
                "filter out rows without identity in the model query.");
        }

        return (staged, warnings is null ? null : string.Join("; ", warnings), null);
    }

    private bool IsCreateOnly(PostgreSqlColumn column) => _batch.CreateOnlyFields.Contains(column.Name);

    private static string ColumnList(IEnumerable<PostgreSqlColumn> columns) => string.Join(", ", columns.Select(c => Quote(c.Name)));

    private static string Cast(int stageColumn, PostgreSqlColumn column) => $"s.v{stageColumn}::{column.CastType}";

    /// <summary>Converts a value whose warning does not concern the user, such as an identity that only matches records.</summary>
    private static object? Convert(object? value, PostgreSqlColumn column) => PostgreSqlValues.ToParameterValue(value, column).Value;

    private static object? Convert(object? value, PostgreSqlColumn column, ref List<string>? warnings)
    {
        var stored = PostgreSqlValues.ToParameterValue(value, column);
        if (stored.Warning is not null)
        {
            (warnings ??= []).Add(stored.Warning);
        }

        return stored.Value;
    }

    private void ConvertValues(object?[] staged, TargetRecord record, int skip, ref List<string>? warnings)
    {
        for (var i = 0; i < record.Values.Length; i++)
        {
            if (i != skip)
            {
                staged[i + 1] = Convert(record.Values[i], _fields[i], ref warnings);
            }
        }
    }
}
