// The tutorial's server as a typical .NET developer would write it with async sockets:
// one Task per connection, Task.Delay for the pause. Used only as a benchmark baseline.
using System.Net;
using System.Net.Sockets;
using System.Text;

var port = args.Length > 0 ? int.Parse(args[0]) : 9999;
var delay = TimeSpan.FromMilliseconds(args.Length > 1 ? double.Parse(args[1]) : 1000);

var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(4096);
Console.WriteLine($"Listening on {listener.LocalEndPoint}");
Console.WriteLine("Waiting for connection...");

while (true)
{
    var socket = await listener.AcceptAsync();
    _ = Task.Run(() => Serve(socket));
}

async Task Serve(Socket socket)
{
    try
    {
        await socket.SendAsync("Welcome!"u8.ToArray());
        var buffer = new byte[1024];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer);
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay);
            if (n == 0 || buffer.AsSpan(0, n).SequenceEqual("exit"u8))
                break;
            var reply = Encoding.UTF8.GetBytes($"Hello, {Encoding.UTF8.GetString(buffer, 0, n)}!");
            await socket.SendAsync(reply);
        }
    }
    catch (SocketException)
    {
    }
    finally
    {
        socket.Dispose();
    }
}
