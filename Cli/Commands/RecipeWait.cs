namespace OrleansCoord.Cli.Commands;

/// <summary>
/// How a waiting recipe command (<c>lock</c>, <c>elect</c>, <c>queue take</c>, <c>barrier enter</c>) words its wait
/// in a message. How long it waits is the global <c>--timeout</c> (<see cref="GlobalOptions.WaitOf"/>): until done or
/// interrupted when absent, as <c>etcdctl lock</c> waits.
/// </summary>
internal static class RecipeWait
{
    public static string Describe(TimeSpan wait) =>
        wait == Timeout.InfiniteTimeSpan ? "until interrupted" : $"within {wait.TotalSeconds:0.###} s";
}
