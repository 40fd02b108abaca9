#!/usr/bin/python3
"""Exports the ONNX files Duet's importer is measured and tested on, with Debian's
python3-torch and python3-torchvision: random weights, nothing downloaded.

    /usr/bin/python3 scripts/export-onnx.py --out data/onnx          # the published models
    /usr/bin/python3 scripts/export-onnx.py --tiny --out tests/data/onnx   # the test files

Published models: resnet50, mobilenet_v2, efficientnet_b0, convnext_tiny, vit_b_16,
mobilenet_v3_large (224x224,
batch 1) and a BERT-base-like nn.TransformerEncoder (12 layers, width 768, 12 heads, sequence
128). Tiny models are a few KB each and cover the ops and patterns the importer handles.
"""
import argparse
import os
import sys

import torch
from torch import nn

OPSET = 13


def export(model, args, path, names=("input",)):
    # Eval mode, but with gradients on: nn.TransformerEncoderLayer's inference fast path is a
    # fused op that ONNX cannot express, and it is only taken without gradients.
    model.eval()
    torch.onnx.export(model, args, path, opset_version=OPSET, input_names=list(names),
                      do_constant_folding=True)
    print(f"wrote {path}: {os.path.getsize(path)} bytes", file=sys.stderr)


class Encoder(nn.Module):
    """A BERT-like encoder without embeddings: GELU feed-forward, post-LN."""

    def __init__(self, width, heads, layers, ffn):
        super().__init__()
        layer = nn.TransformerEncoderLayer(width, heads, ffn, dropout=0.0, activation="gelu",
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, x):
        return self.encoder(x)


class TinyCnn(nn.Module):
    """conv-bn-relu, depthwise conv with ReLU6 (Clip), residual add, pools, flatten, gemm."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        x = x + nn.functional.relu6(self.dw(x))
        x = nn.functional.adaptive_avg_pool2d(self.pool(x), 1)
        return self.fc(torch.flatten(x, 1))


class TinyMixer(nn.Module):
    """Hard-swish, sigmoid gating (squeeze-excite), tanh, concat, slice, pad, avg pool."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 6, 1)
        self.se = nn.Conv2d(6, 6, 1)

    def forward(self, x):
        y = nn.functional.hardswish(self.conv(x))
        y = y * torch.sigmoid(self.se(nn.functional.adaptive_avg_pool2d(y, 1)))
        y = torch.cat([y, torch.tanh(y)], dim=1)[:, 2:10]
        y = nn.functional.pad(y, (1, 1, 1, 1))
        return nn.functional.avg_pool2d(y, 2)


def published(out):
    import torchvision.models as m
    image = torch.randn(1, 3, 224, 224)
    for name, build in (("resnet50", m.resnet50), ("mobilenet_v2", m.mobilenet_v2),
                        ("efficientnet_b0", m.efficientnet_b0), ("convnext_tiny", m.convnext_tiny),
                        ("vit_b_16", m.vit_b_16), ("mobilenet_v3_large", m.mobilenet_v3_large)):
        torch.manual_seed(0)
        export(build(weights=None), image, os.path.join(out, name + ".onnx"))
    torch.manual_seed(0)
    export(Encoder(768, 12, 12, 3072), torch.randn(1, 128, 768),
           os.path.join(out, "bert_like_encoder.onnx"))


def tiny(out):
    torch.manual_seed(0)
    export(TinyCnn(), torch.randn(1, 3, 16, 16), os.path.join(out, "tiny_cnn.onnx"))
    torch.manual_seed(0)
    export(TinyMixer(), torch.randn(1, 4, 8, 8), os.path.join(out, "tiny_mixer.onnx"))
    torch.manual_seed(0)
    export(Encoder(16, 2, 1, 32), torch.randn(1, 6, 16), os.path.join(out, "tiny_encoder.onnx"))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--tiny", action="store_true", help="the small test files instead")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    (tiny if args.tiny else published)(args.out)


if __name__ == "__main__":
    main()
