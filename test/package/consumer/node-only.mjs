// "descent/node" without the optional `mnist` package: the loader must say what to install.
import { loadMnistPackage, MNIST_MISSING } from "descent/node";

try {
  loadMnistPackage({ count: 100 });
  console.log(JSON.stringify({ loaded: true }));
} catch (err) {
  console.log(JSON.stringify({ loaded: false, message: err.message, expected: MNIST_MISSING }));
}
