using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Outflow.Connectors.Sqlite.Demo;

/// <summary>
/// Writes the quickstart's sample data: <c>demo.sqlite</c> with customers and their invoices (names outside
/// ASCII, NULL fields, decimal totals), and <c>demo-target.sqlite</c> with an empty <c>customer_value</c> table
/// keyed on the customer id. The data is generated from a fixed seed, so every run writes the same rows.
/// </summary>
public static class DemoDatabases
{
    public const string SourceFileName = "demo.sqlite";
    public const string TargetFileName = "demo-target.sqlite";

    private static readonly string[] FirstNames =
    [
        "Luís", "Leonie", "François", "Bjørn", "František", "Helena", "Astrid", "Daan", "Kara", "Eduardo",
        "Alexandre", "Roberto", "Jennifer", "Michelle", "Tim", "Frank", "Camille", "Dominique", "Marc", "Hannah",
        "Niklas", "Isabelle", "Ladislav", "João", "Madalena", "Hugh", "Lucas", "Johannes", "Stanisław", "Enrique",
        "Joakim", "Emma", "Phil", "Steve", "Mark", "Diego", "Luis", "Manoj", "Puja", "Zoë", "Ελένη", "Юлия", "陈", "Aarav",
    ];

    private static readonly string[] LastNames =
    [
        "Gonçalves", "Köhler", "Tremblay", "Hansen", "Wichterlová", "Holý", "Schneider", "Peeters", "Nielsen",
        "Martins", "Rocha", "Almeida", "Peterson", "Brooks", "Goyer", "Harris", "Bernard", "Lefebvre", "Dubois",
        "Schröder", "Zimmermann", "Mercier", "Kovács", "Fernandes", "Sampaio", "O'Reilly", "Gruber", "Wójcik",
        "Muñoz", "Lindström", "Smith", "Jones", "Murray", "Gutiérrez", "Pareek", "Srivastava", "Παπαδοπούλου",
        "Иванова", "明", "Shah",
    ];

    private static readonly string[] Countries =
    [
        "Brazil", "Germany", "Canada", "Norway", "Czech Republic", "Austria", "Belgium", "Denmark", "Portugal",
        "USA", "France", "Finland", "Hungary", "Ireland", "Italy", "Netherlands", "Poland", "Spain", "Sweden",
        "India", "United Kingdom", "Argentina", "Chile", "Australia", "Greece", "Ukraine", "China",
    ];

    /// <summary>
    /// Writes both files into <paramref name="directory"/> and returns their paths. Existing files are kept
    /// unless <paramref name="overwrite"/> is true.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(string directory, bool overwrite, CancellationToken cancellationToken)
    {
        var source = Path.Combine(directory, SourceFileName);
        var target = Path.Combine(directory, TargetFileName);
        foreach (var path in new[] { source, target })
        {
            if (File.Exists(path) && !overwrite)
            {
                throw new IOException($"{path} already exists; pass --force to overwrite it");
            }

            File.Delete(path);
        }

        await WriteSourceAsync(source, cancellationToken).ConfigureAwait(false);
        await WriteTargetAsync(target, cancellationToken).ConfigureAwait(false);
        return [source, target];
    }

    private static async Task WriteSourceAsync(string path, CancellationToken cancellationToken)
    {
        var connection = await OpenNewAsync(path, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await ExecuteAsync(connection, """
            CREATE TABLE customers (
                customer_id INTEGER PRIMARY KEY,
                first_name TEXT NOT NULL,
                last_name TEXT NOT NULL,
                company TEXT,
                email TEXT NOT NULL,
                phone TEXT,
                country TEXT NOT NULL
            );
            CREATE TABLE invoices (
                invoice_id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
                invoice_date TEXT NOT NULL,
                total NUMERIC(10, 2) NOT NULL
            );
            """, cancellationToken).ConfigureAwait(false);

        var random = new Random(20261204);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var invoiceId = 1;
        for (var customerId = 1; customerId <= 59; customerId++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var email = string.Create(
                CultureInfo.InvariantCulture, $"customer{customerId}@example.{(customerId % 3 == 0 ? "org" : "com")}");
            await ExecuteAsync(
                connection,
                "INSERT INTO customers VALUES ($id, $first, $last, $company, $email, $phone, $country)",
                cancellationToken,
                ("$id", customerId),
                ("$first", first),
                ("$last", last),
                ("$company", customerId % 4 == 0 ? "Outflow Demo GmbH" : null),
                ("$email", email),
                ("$phone", customerId % 5 == 0 ? null : $"+1 555 {customerId:0000}"),
                ("$country", Countries[random.Next(Countries.Length)])).ConfigureAwait(false);

            var invoices = customerId % 10 == 0 ? 0 : random.Next(1, 8);
            for (var i = 0; i < invoices; i++)
            {
                var cents = random.Next(99, 2599);
                var date = new DateOnly(2025, 1, 1).AddDays(random.Next(0, 600));
                await ExecuteAsync(
                    connection,
                    "INSERT INTO invoices VALUES ($id, $customer, $date, $total)",
                    cancellationToken,
                    ("$id", invoiceId++),
                    ("$customer", customerId),
                    ("$date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    ("$total", cents / 100m)).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteTargetAsync(string path, CancellationToken cancellationToken)
    {
        var connection = await OpenNewAsync(path, cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        await ExecuteAsync(connection, """
            CREATE TABLE customer_value (
                customer_id INTEGER PRIMARY KEY,
                email TEXT,
                first_name TEXT,
                last_name TEXT,
                country TEXT,
                lifetime_value NUMERIC(10, 2)
            );
            """, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SqliteConnection> OpenNewAsync(string path, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        await using var commandScope = command.ConfigureAwait(false);
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
