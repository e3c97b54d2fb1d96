/** Error catalogue of the detection runtime (model registry, sessions, images). */
import { defineErrors } from '../../common/errors.ts';

/** Errors of the detection runtime, with stable codes. */
export const DetectionErrors = defineErrors({
  MODEL_NOT_FOUND: { status: 404, message: '模型不存在 / no such detection model' },
  MODEL_FILE_CORRUPT: { status: 422, message: '模型文件无法加载（损坏或不是 ONNX）/ model file cannot be loaded (corrupt or not ONNX)' },
  DESCRIPTOR_INVALID: { status: 422, message: '模型描述文件格式错误 / model descriptor is invalid' },
  DESCRIPTOR_MISMATCH: { status: 422, message: '模型描述与模型实际输入输出不符 / model descriptor does not match the model\'s inputs/outputs' },
  IMAGE_CORRUPT: { status: 422, message: '图像无法解码 / image cannot be decoded' },
  INFERENCE_FAILED: { status: 500, message: '模型推理失败 / model inference failed' },
  DETECTION_TIMEOUT: { status: 504, message: '检测超时，工作线程已重启 / detection timed out; the worker was replaced' },
  DETECTOR_WORKER_CRASHED: { status: 503, message: '检测工作线程异常退出，已重启 / detection worker crashed and was replaced' },
  DETECTOR_CLOSED: { status: 503, message: '检测服务已关闭 / detector is closed' },
});
