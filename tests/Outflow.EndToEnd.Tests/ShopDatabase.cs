using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Outflow.EndToEnd.Tests;

/// <summary>
/// A generated SQLite shop of customers and invoices: names outside ASCII (including characters outside
/// the BMP), NULL countries and decimal totals stored as REAL, as SQLite samples usually store them.
/// </summary>
public sealed class ShopDatabase
{
    public const string CustomerValueQuery = """
        SELECT c.customer_id, c.email, c.first_name, c.last_name, c.country,
               ROUND(COALESCE(SUM(i.total), 0), 2) AS lifetime_value
        FROM customers c LEFT JOIN invoices i ON i.customer_id = c.customer_id
        GROUP BY c.customer_id
        """;

    private static readonly string[] FirstNames = ["Zoë", "Łukasz", "François", "陈", "Ελένη", "Astrid", "José", "Hannah"];
    private static readonly string[] LastNames = ["Gonçalves", "Köhler", "O'Reilly", "Müller", "明", "Smith", "Nørgaard 🙂"];

    private readonly string _connectionString;

    private ShopDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
    }

    public string Path { get; }

    public static async Task<ShopDatabase> CreateAsync(string path, int customers)
    {
        var shop = new ShopDatabase(path);
        await shop.ExecuteAsync("""
            CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, email TEXT, first_name TEXT NOT NULL,
                                    last_name TEXT NOT NULL, country TEXT);
            CREATE TABLE invoices (invoice_id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL,
                                   total NUMERIC(10, 2) NOT NULL);
            """);
        var random = new Random(7);
        for (var id = 1; id <= customers; id++)
        {
            await shop.AddCustomerAsync(
                id,
                FirstNames[random.Next(FirstNames.Length)],
                LastNames[random.Next(LastNames.Length)],
                id % 7 == 0 ? null : (id % 2 == 0 ? "Brazil" : "Deutschland"));
            for (var i = 0; i < id % 5; i++)
            {
                await shop.AddInvoiceAsync(id, random.Next(99, 2599) / 100m);
            }
        }

        return shop;
    }

    public Task AddCustomerAsync(long id, string firstName, string lastName, string? country) => ExecuteAsync(
        "INSERT INTO customers VALUES ($id, $email, $first, $last, $country)",
        ("$id", id),
        ("$email", string.Create(CultureInfo.InvariantCulture, $"customer{id}@example.com")),
        ("$first", firstName),
        ("$last", lastName),
        ("$country", country));

    public Task AddInvoiceAsync(long customerId, decimal total) => ExecuteAsync(
        "INSERT INTO invoices (customer_id, total) VALUES ($customer, $total)",
        ("$customer", customerId),
        ("$total", (double)total));

    public Task SetEmailAsync(long customerId, string email) => ExecuteAsync(
        "UPDATE customers SET email = $email WHERE customer_id = $id", ("$id", customerId), ("$email", email));

    public Task DeleteCustomerAsync(long customerId) => ExecuteAsync(
        "DELETE FROM invoices WHERE customer_id = $id; DELETE FROM customers WHERE customer_id = $id", ("$id", customerId));

    /// <summary>Computes the model's rows in C#, with exact decimal totals, keyed by customer id.</summary>
    public async Task<SortedDictionary<long, CustomerValue>> ExpectedRowsAsync()
    {
        var rows = new SortedDictionary<long, CustomerValue>();
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c.customer_id, c.email, c.first_name, c.last_name, c.country, i.total
            FROM customers c LEFT JOIN invoices i ON i.customer_id = c.customer_id
            """;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            var total = reader.IsDBNull(5) ? 0m : Math.Round((decimal)reader.GetDouble(5), 2);
            rows[id] = rows.TryGetValue(id, out var existing)
                ? existing with { LifetimeValue = existing.LifetimeValue + total }
                : new CustomerValue(
                    id,
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    total);
        }

        return rows;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
