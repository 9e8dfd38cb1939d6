// Trains a small MLP on XOR with the installed package and prints its losses as JSON.
import { Model, Sequential, Linear, Activation, adam, tensor, crossEntropy } from "descent";

const model = new Model(new Sequential([new Linear(2, 8), new Activation("tanh"), new Linear(8, 2)]), { seed: 1 });
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = new Int32Array([0, 1, 1, 0]);
const optimizer = adam({ lr: 0.05 });
const state = optimizer.init(model.parameters.values.length);
const losses = [];
for (let step = 0; step < 40; step++) {
  losses.push(model.lossAndGrad(x, y, crossEntropy));
  optimizer.update(model.parameters.values, model.parameters.grads, state);
}
console.log(JSON.stringify({ losses }));
