using System.Globalization;

namespace MechanicBuddy.TenantDatabase;

/// <summary>
/// The shop schema's version is the number of its last migration script (<c>Migrations/0002_create_indexes.sql</c> → 2):
/// a database the migrator has brought up to date is at <see cref="Latest"/>.
/// </summary>
public static class ShopSchemaVersions
{
    const string Folder = ".Migrations.";

    /// <summary>The version this build's migrations bring a shop to.</summary>
    public static int Latest { get; } = typeof(ShopSchemaVersions).Assembly.GetManifestResourceNames()
        .Where(name => name.Contains(Folder, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
        .Select(Of)
        .DefaultIfEmpty(0)
        .Max();

    /// <summary>The version a journal's scripts put the schema at: the highest of their numbers (0: none ran).</summary>
    public static int Highest(IEnumerable<string> scripts) => scripts.Select(Of).DefaultIfEmpty(0).Max();

    /// <summary>The version a script brings the schema to: its leading number.</summary>
    public static int Of(string scriptName)
    {
        var file = scriptName[(scriptName.LastIndexOf(Folder, StringComparison.Ordinal) + Folder.Length)..];
        var digits = new string(file.TakeWhile(char.IsAsciiDigit).ToArray());
        return digits.Length > 0 ? int.Parse(digits, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"shop migration {scriptName} does not start with its number");
    }
}
