namespace Rvm.Onnx;

/// <summary>ONNX TensorProto.DataType values used by the converter.</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Float16 = 10,
}
