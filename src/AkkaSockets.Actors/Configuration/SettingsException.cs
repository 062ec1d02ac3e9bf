namespace AkkaSockets.Actors.Configuration;

/// <summary>A configuration value that cannot be used; the message names the key and the reason.</summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string key, string reason)
        : base($"{key}: {reason}")
    {
        Key = key;
        Reason = reason;
    }

    public SettingsException(string message, Exception inner)
        : base(message, inner)
    {
        Reason = message;
    }

    public SettingsException()
    {
        Reason = Message;
    }

    public SettingsException(string message)
        : base(message)
    {
        Reason = message;
    }

    /// <summary>The full HOCON key at fault, when there is one.</summary>
    public string? Key { get; }

    public string Reason { get; }
}
