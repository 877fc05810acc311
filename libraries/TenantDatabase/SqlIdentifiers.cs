namespace MechanicBuddy.TenantDatabase;

/// <summary>Quoting for the identifiers DDL cannot take as parameters. Names come from <see cref="Tenancy.TenantNames"/>, quoted anyway.</summary>
public static class SqlIdentifiers
{
    public static string Quote(string identifier)
    {
        if (identifier.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(identifier) > 63 || identifier.Contains('\0'))
        {
            throw new ArgumentException($"'{identifier}' is not a valid PostgreSQL identifier", nameof(identifier));
        }
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
