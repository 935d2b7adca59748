using System.IO.Compression;
using System.Text;
using NtkRepro.Numerics.Util;
using TorchSharp;
using static TorchSharp.torch;

namespace NtkRepro.Pipeline.Runs;

/// <summary>
/// Several named parts (module states, tensor sets, JSON) in one zip file, written atomically:
/// a training state is either completely the old one or completely the new one.
/// </summary>
public static class TensorArchive
{
    public static void Write(string path, IReadOnlyDictionary<string, byte[]> parts) =>
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, bytes) in parts)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(bytes);
            }
        });

    public static Dictionary<string, byte[]> Read(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.Entries.ToDictionary(e => e.FullName, e =>
            {
                using var s = e.Open();
                var m = new MemoryStream();
                s.CopyTo(m);
                return m.ToArray();
            });
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable training state ({e.Message})", e);
        }
    }

    public static byte[] ModuleBytes(nn.Module module) => Numerics.Models.Checkpoint.ToBytes(module);

    public static void LoadModule(nn.Module module, byte[] bytes, string source)
    {
        try
        {
            module.load(new MemoryStream(bytes), strict: true);
        }
        catch (Exception e)
        {
            throw new InvalidDataException($"{source}: cannot restore {module.GetName()} ({e.Message})", e);
        }
    }

    public static byte[] TensorsBytes(IReadOnlyDictionary<string, Tensor> tensors)
    {
        using var scope = torch.NewDisposeScope();
        using var bag = new TensorBag(tensors);
        return ModuleBytes(bag);
    }

    /// <returns>Fresh tensors that belong to the caller, in no dispose scope.</returns>
    public static Dictionary<string, Tensor> ReadTensors(byte[] bytes, IReadOnlyDictionary<string, long[]> shapes, string source)
    {
        using var scope = torch.NewDisposeScope();
        using var bag = new TensorBag(shapes.ToDictionary(kv => kv.Key, kv => torch.zeros(kv.Value)));
        TensorArchive.LoadModule(bag, bytes, source);
        return bag.named_buffers().ToDictionary(b => b.name, b => b.buffer.clone().DetachFromDisposeScope());
    }

    public static byte[] JsonBytes<T>(T value) => Encoding.UTF8.GetBytes(Json.Serialize(value));

    public static T FromJson<T>(byte[] bytes, string source) => Json.Deserialize<T>(Encoding.UTF8.GetString(bytes), source);

    /// <summary>
    /// A module holding named tensors as buffers, so TorchSharp's state format can store them.
    /// Build it inside a dispose scope: the detached handles it creates are released with the scope.
    /// </summary>
    private sealed class TensorBag : nn.Module
    {
        protected override void RegisterComponents() { } // registration is explicit, see NtkModel

        public TensorBag(IReadOnlyDictionary<string, Tensor> tensors) : base("TensorBag")
        {
            foreach (var (name, t) in tensors) register_buffer(name, t.detach().cpu());
        }
    }
}
