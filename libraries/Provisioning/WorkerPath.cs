namespace MechanicBuddy.Provisioning;

/// <summary>
/// A path-neutral worker command names the path of the side it is about; a worker takes only its own path's commands
/// (a misrouted one goes to the error queue, never half-run).
/// </summary>
public static class WorkerPath
{
    public static void Require(string workerPath, string commandPath)
    {
        if (commandPath != workerPath)
        {
            throw new InvalidOperationException($"the {workerPath} worker builds and removes {workerPath} sides only, not {commandPath}");
        }
    }
}
