using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NtkRepro.Numerics.Models;

/// <summary>
/// ResNet-18 v1 for 32x32 inputs as in the authors' code: 3x3 stride-1 stem without max-pool,
/// four stages of two basic blocks (width, 2w, 4w, 8w channels; strides 1, 2, 2, 2), 1x1
/// projection shortcuts, global average pool and a zero-initialised linear head. Width 64 is the
/// standard network (11,173,962 parameters for 10 classes). Every convolution pads as Haiku's
/// <c>SAME</c> (<see cref="ConvPadding.Same"/>), as the authors' do: modified_resnets.py:52
/// (shortcut), :64 and :74 (the block's two 3x3 convolutions), :345 (stem; models.py:37 makes it
/// 3x3 stride 1). So a stride-2 3x3 convolution pads (0, 1) and its window centres (rows 2i + 1)
/// sit one row after its shortcut's samples (rows 2i), where PyTorch's padding 1 would align them.
/// </summary>
public sealed class ResNet18 : NtkModel
{
    private readonly ConvLayer _conv1;
    private readonly BatchNormLayer _bn1;
    private readonly ModuleList<BasicBlock>[] _stages = [new(), new(), new(), new()];
    private readonly LinearLayer _linear;

    public ResNet18(ModelSpec spec) : base("ResNet18", spec)
    {
        int w = spec.Width;
        _conv1 = new ConvLayer("conv1", 3, w, 3, 1, ConvPadding.Same);
        _bn1 = new BatchNormLayer("bn1", w);
        int inCh = w;
        int[] widths = [w, 2 * w, 4 * w, 8 * w];
        int[] strides = [1, 2, 2, 2];
        for (int stage = 0; stage < 4; stage++)
            for (int b = 0; b < 2; b++)
            {
                _stages[stage].Add(new BasicBlock($"layer{stage + 1}.{b}", inCh, widths[stage], b == 0 ? strides[stage] : 1));
                inCh = widths[stage];
            }
        _linear = new LinearLayer("linear", 8 * w, spec.Classes, zeroInit: true);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        for (int stage = 0; stage < 4; stage++) register_module($"layer{stage + 1}", _stages[stage]);
        register_module("linear", _linear);
    }

    public override T Apply<T>(ILayerAlgebra<T> a, T x)
    {
        var h = a.Relu(a.BatchNorm(_bn1, a.Conv(_conv1, x)));
        foreach (var stage in _stages)
            foreach (var block in stage) h = block.Apply(a, h);
        return a.Linear(_linear, a.GlobalAvgPool(h));
    }

    private sealed class BasicBlock : nn.Module
    {
        protected override void RegisterComponents() { } // registration is explicit, see NtkModel

        private readonly ConvLayer _conv1, _conv2;
        private readonly BatchNormLayer _bn1, _bn2;
        private readonly ConvLayer? _shortcutConv;
        private readonly BatchNormLayer? _shortcutBn;

        public BasicBlock(string name, int inCh, int outCh, int stride) : base(name)
        {
            _conv1 = new ConvLayer("conv1", inCh, outCh, 3, stride, ConvPadding.Same);
            _bn1 = new BatchNormLayer("bn1", outCh);
            _conv2 = new ConvLayer("conv2", outCh, outCh, 3, 1, ConvPadding.Same);
            _bn2 = new BatchNormLayer("bn2", outCh);
            register_module("conv1", _conv1);
            register_module("bn1", _bn1);
            register_module("conv2", _conv2);
            register_module("bn2", _bn2);
            if (stride != 1 || inCh != outCh)
            {
                _shortcutConv = new ConvLayer("shortcut.0", inCh, outCh, 1, stride, ConvPadding.Same);
                _shortcutBn = new BatchNormLayer("shortcut.1", outCh);
                register_module("shortcut_conv", _shortcutConv);
                register_module("shortcut_bn", _shortcutBn);
            }
        }

        public T Apply<T>(ILayerAlgebra<T> a, T x)
        {
            var h = a.Relu(a.BatchNorm(_bn1, a.Conv(_conv1, x)));
            h = a.BatchNorm(_bn2, a.Conv(_conv2, h));
            var shortcut = _shortcutConv is null ? x : a.BatchNorm(_shortcutBn!, a.Conv(_shortcutConv, x));
            return a.Relu(a.Add(h, shortcut));
        }
    }
}
