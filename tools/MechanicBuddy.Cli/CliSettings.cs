using System.Text.Json;

namespace MechanicBuddy.Cli;

/// <summary>
/// Where the Gateway is and which token to present: MB_GATEWAY / MB_TOKEN, else what <c>mb login</c> saved in
/// $MB_CONFIG (default ~/.config/mechanicbuddy/mb.json, readable by its owner only: it holds a bearer token).
/// </summary>
public sealed record CliSettings(string? Gateway, string? Token)
{
    public static string FilePath =>
        Environment.GetEnvironmentVariable("MB_CONFIG") is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "mechanicbuddy", "mb.json");

    public static CliSettings Load()
    {
        var saved = File.Exists(FilePath) ? JsonSerializer.Deserialize<CliSettings>(File.ReadAllText(FilePath)) : null;
        return new CliSettings(
            Environment.GetEnvironmentVariable("MB_GATEWAY") is { Length: > 0 } gateway ? gateway : saved?.Gateway,
            Environment.GetEnvironmentVariable("MB_TOKEN") is { Length: > 0 } token ? token : saved?.Token);
    }

    public void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temporary = FilePath + ".tmp-" + Guid.NewGuid().ToString("N");
        // Created new (never through a planted file or link) and readable by its owner only from its first byte.
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new StreamWriter(new FileStream(temporary, create)))
        {
            file.Write(JsonSerializer.Serialize(this));
        }
        File.Move(temporary, FilePath, overwrite: true);
    }
}
