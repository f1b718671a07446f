export { conv2d, conv1d, convolve2d, correlate2d, convolve1d, correlate1d } from './reference.js';
export { toeplitz1d, toeplitz2d, toeplitzMatrix1d, doublyBlockToeplitz } from './toeplitz.js';
export { fft, ifft, rfft, irfft, rfft2, irfft2 } from './fft.js';
export { sepConvolve2d, gaussianBlur } from './gaussian.js';
export { filterImage, srgbToLinear, linearToSrgb } from './image.js';
