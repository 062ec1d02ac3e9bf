namespace AkkaSockets.Cli.Tests.Support;

/// <summary>The lines a child process writes to one stream, with waits bounded by a deadline.</summary>
internal sealed class OutputLines
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
                return [.. _lines];
        }
    }

    public override string ToString() => string.Join('\n', Lines);

    /// <summary>Called with each line as it arrives, and with null at end of stream.</summary>
    public void Add(string? line)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (line is null)
                _closed = true;
            else
                _lines.Add(line);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>The first line (already written or still to come) that matches, or a failure at the deadline.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var found = _lines.FirstOrDefault(match);
                if (found is not null)
                    return found;
                if (_closed)
                    Assert.Fail($"the stream ended without {what}; it had:\n{string.Join('\n', _lines)}");
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds} s waiting for {what}; so far:\n{this}");
            }
        }
    }

    public Task<string> WaitForAsync(string line, TimeSpan timeout) =>
        WaitForAsync(l => l == line, timeout, $"the line \"{line}\"");
}
