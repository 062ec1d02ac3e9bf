using AkkaSockets.Actors.Server;

namespace AkkaSockets.Actors.Tests.Server;

public sealed class ConnectionGateTests
{
    private static ConnectionGate Gate(int limit) => new(limit, "Welcome!"u8.ToArray(), "Server busy"u8.ToArray());

    [Fact]
    public void It_admits_up_to_the_limit_and_refuses_the_next_one()
    {
        var gate = Gate(2);

        Assert.True(gate.TryAdmit());
        Assert.True(gate.TryAdmit());
        Assert.False(gate.TryAdmit());

        Assert.Equal(2, gate.Open);
        Assert.Equal(2, gate.Accepted);
        Assert.Equal(1, gate.Rejected);
    }

    [Fact]
    public void A_connection_that_left_makes_room_and_the_peak_remembers_the_most_open()
    {
        var gate = Gate(2);
        gate.TryAdmit();
        gate.TryAdmit();

        gate.Left();

        Assert.True(gate.TryAdmit());
        Assert.Equal(2, gate.Open);
        Assert.Equal(2, gate.PeakOpen);
        gate.Left();
        gate.Left();
        Assert.Equal(0, gate.Open);
        Assert.Equal(2, gate.PeakOpen);
        Assert.Equal(3, gate.Accepted);
    }

    [Fact]
    public void A_closed_gate_refuses_everyone_and_keeps_counting_those_already_in()
    {
        var gate = Gate(10);
        gate.TryAdmit();

        gate.Close();

        Assert.False(gate.TryAdmit());
        Assert.Equal(1, gate.Open);
        Assert.Equal(1, gate.Rejected);
    }

    [Fact]
    public void A_client_lost_before_its_welcome_counts_neither_as_open_nor_as_accepted()
    {
        var gate = Gate(1);
        gate.TryAdmit();

        ((AkkaSockets.Actors.Transport.IAcceptPolicy)gate).Lost();

        Assert.Equal(0, gate.Open);
        Assert.Equal(0, gate.Accepted);
        Assert.True(gate.TryAdmit());
    }

    [Fact]
    public async Task Admissions_from_many_threads_never_pass_the_limit()
    {
        var gate = Gate(100);

        var admitted = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 1000).Count(_ => gate.TryAdmit()))));

        Assert.Equal(100, admitted.Sum());
        Assert.Equal(100, gate.Open);
        Assert.Equal(100, gate.PeakOpen);
        Assert.Equal(8000 - 100, gate.Rejected);
    }
}
