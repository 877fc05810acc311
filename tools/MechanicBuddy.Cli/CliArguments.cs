namespace MechanicBuddy.Cli;

/// <summary>The command line: the command word, positional arguments and --options (--name value, --flag, --name=value).</summary>
public sealed class CliArguments
{
    static readonly HashSet<string> Flags = ["json", "yes", "all", "versions", "watch", "help", "no-wait"];

    public string Command { get; }
    public IReadOnlyList<string> Positional { get; }
    readonly Dictionary<string, string> _options;

    CliArguments(string command, List<string> positional, Dictionary<string, string> options)
    {
        Command = command;
        Positional = positional;
        _options = options;
    }

    public static CliArguments Parse(string[] args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                positional.Add(arg);
                continue;
            }
            var name = arg[2..];
            if (name.IndexOf('=') is var eq and > 0)
            {
                options[name[..eq]] = name[(eq + 1)..];
            }
            else if (Flags.Contains(name) || i + 1 >= args.Length)
            {
                options[name] = "true";
            }
            else
            {
                options[name] = args[++i];
            }
        }
        var command = positional.Count > 0 ? positional[0] : "help";
        return new CliArguments(command, positional.Skip(1).ToList(), options);
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _options.TryGetValue(name, out var value) && value is "true" or "1" or "yes";

    public bool Json => Flag("json");

    /// <summary>The named options that were given, as query parameters ("name=value", escaped), in the order named.</summary>
    public IReadOnlyList<string> QueryOf(params string[] names) =>
        names.Where(n => Option(n) is not null).Select(n => $"{n}={Uri.EscapeDataString(Option(n)!)}").ToList();

    /// <summary>The n-th positional argument after the command, or a usage error naming it.</summary>
    public string Required(int index, string what) =>
        index < Positional.Count ? Positional[index] : throw new UsageException($"{Command}: {what} is required");
}

public sealed class UsageException(string message) : Exception(message);
