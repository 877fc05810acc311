using System.Globalization;

namespace MechanicBuddy.TenantRegistry.Infrastructure;

/// <summary>Where a feed reader stands: the transaction id and row id of the last event it has seen, written "tx-row".</summary>
public readonly record struct EventCursor(ulong Transaction, long Row)
{
    public static readonly EventCursor Start = new(0, 0);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Transaction}-{Row}");

    public static bool TryParse(string? text, out EventCursor cursor)
    {
        cursor = Start;
        var parts = text?.Split('-');
        if (parts is not [var tx, var row] || !ulong.TryParse(tx, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            || !long.TryParse(row, NumberStyles.None, CultureInfo.InvariantCulture, out var r))
        {
            return false;
        }
        cursor = new EventCursor(t, r);
        return true;
    }
}
