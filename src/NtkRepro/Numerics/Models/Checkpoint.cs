using NtkRepro.Numerics.Util;
using TorchSharp;

namespace NtkRepro.Numerics.Models;

/// <summary>
/// Saves and loads a model's parameters and BN buffers (TorchSharp's state-dict format), written
/// atomically so an interrupted save never leaves a file that looks complete.
/// </summary>
public static class Checkpoint
{
    public static void Save(torch.nn.Module model, string path)
    {
        var bytes = ToBytes(model);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>A module's state in TorchSharp's format, in memory.</summary>
    public static byte[] ToBytes(torch.nn.Module model)
    {
        var buffer = new MemoryStream(); // TorchSharp closes the stream it saves to
        model.save(buffer);
        return buffer.ToArray();
    }

    public static void Load(torch.nn.Module model, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint not found", path);
        try
        {
            using var stream = File.OpenRead(path);
            model.load(stream, strict: true);
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: cannot load into {model.GetName()} ({e.Message})", e);
        }
    }

    /// <summary>Rebuilds the model a checkpoint was saved from.</summary>
    public static NtkModel LoadModel(ModelSpec spec, string path)
    {
        var model = spec.Build();
        try
        {
            Load(model, path);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
