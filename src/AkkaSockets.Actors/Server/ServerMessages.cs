using System.Net;

namespace AkkaSockets.Actors.Server;

/// <summary>Asks the listener for its bind result: <see cref="ServerBound"/> or <see cref="BindFailed"/>.</summary>
public sealed record AwaitBound
{
    public static readonly AwaitBound Instance = new();

    private AwaitBound()
    {
    }
}

/// <summary>Published on the event stream, and the answer to <see cref="AwaitBound"/>.</summary>
public sealed record ServerBound(EndPoint LocalAddress);

public sealed record BindFailed(EndPoint Address, string Reason);

/// <summary>Stop accepting: the listening socket is closed, new connections are refused.</summary>
public sealed record StopAccepting
{
    public static readonly StopAccepting Instance = new();

    private StopAccepting()
    {
    }
}

public sealed record AcceptingStopped
{
    public static readonly AcceptingStopped Instance = new();

    private AcceptingStopped()
    {
    }
}

/// <summary>Every connection answers what it already received, then closes; bounded by drain-timeout.</summary>
public sealed record DrainConnections
{
    public static readonly DrainConnections Instance = new();

    private DrainConnections()
    {
    }
}

/// <summary>Answer to <see cref="DrainConnections"/>: how many were still open when the deadline cut them.</summary>
public sealed record ConnectionsDrained(int Aborted);

/// <summary>Sent by the listener to each connection on shutdown.</summary>
public sealed record DrainAndClose
{
    public static readonly DrainAndClose Instance = new();

    private DrainAndClose()
    {
    }
}

public sealed record GetServerStats
{
    public static readonly GetServerStats Instance = new();

    private GetServerStats()
    {
    }
}

public sealed record ServerStats(int Open, int PeakOpen, long Accepted, long Rejected);

/// <summary>Published on the event stream when a client is accepted (the tutorial's accept line).</summary>
public sealed record ClientAccepted(EndPoint Remote);

/// <summary>Published on the event stream when a connection has closed (the tutorial's close line).</summary>
public sealed record ClientClosed(EndPoint Remote, CloseReason Reason);

/// <summary>Sent by a connection actor to the listener as it stops.</summary>
public sealed record ConnectionStopped
{
    public static readonly ConnectionStopped Instance = new();

    private ConnectionStopped()
    {
    }
}
