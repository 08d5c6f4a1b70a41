"""Stochastic update rules acting in place on one flat parameter vector."""

import numpy as np


class SGDOptimizer:
    """Stochastic gradient descent with momentum and learning-rate schedules.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The parameters, updated in place.
    learning_rate_init : float
        The initial step size.
    learning_rate : {"constant", "invscaling", "adaptive"}
        How the step size evolves.
    momentum : float
        Weight of the previous update in the next one.
    nesterov : bool
        Whether to use Nesterov's momentum.
    power_t : float
        Exponent of the inverse scaling schedule.
    """

    def __init__(
        self,
        params,
        learning_rate_init=0.1,
        learning_rate="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.schedule = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros_like(params)

    def update(self, params, grad):
        """Apply one step to ``params`` from ``grad`` (which it may overwrite)."""
        # velocity = momentum * velocity - lr * grad
        grad *= -self.learning_rate
        if self.momentum == 0:
            params += grad
            return
        self.velocity *= self.momentum
        self.velocity += grad

        # Nesterov looks ahead along the new velocity
        if self.nesterov:
            params += grad
            params += self.momentum * self.velocity
        else:
            params += self.velocity

    def iteration_ends(self, time_step):
        """Update the step size after an epoch, ``time_step`` samples in."""
        if self.schedule == "invscaling":
            self.learning_rate = (
                float(self.learning_rate_init) / (time_step + 1) ** self.power_t
            )

    def trigger_stopping(self, verbose):
        """Return True to stop; an adaptive schedule first divides the step by 5."""
        if self.schedule != "adaptive":
            return True
        if self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(f"Setting learning rate to {self.learning_rate:f}")
        return False


class AdamOptimizer:
    """Adam: steps scaled by running moments of the gradient.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The parameters, updated in place.
    learning_rate_init : float
        The step size.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to the root of the second moment, for stability.
    """

    def __init__(
        self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.first = np.zeros_like(params)
        self.second = np.zeros_like(params)
        self._work = None

    def __getstate__(self):
        # the scratch vector is rebuilt on the next update; never pickle it
        state = self.__dict__.copy()
        state["_work"] = None
        return state

    def update(self, params, grad):
        """Apply one step to ``params`` from ``grad`` (which it may overwrite)."""
        self.t += 1

        # m = b1 m + (1 - b1) g ; v = b2 v + (1 - b2) g^2
        self.first *= self.beta_1
        self.first += (1 - self.beta_1) * grad
        np.multiply(grad, grad, out=grad)
        self.second *= self.beta_2
        grad *= 1 - self.beta_2
        self.second += grad

        # bias-corrected step: params -= lr_t * m / (sqrt(v) + eps)
        self.learning_rate = (
            self.learning_rate_init
            * np.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        if self._work is None or self._work.shape != params.shape:
            self._work = np.empty_like(params)
        work = self._work
        np.sqrt(self.second, out=work)
        work += self.epsilon
        np.divide(self.first, work, out=work)
        work *= self.learning_rate
        params -= work

    def iteration_ends(self, time_step):
        """Adam keeps its step size across epochs."""

    def trigger_stopping(self, verbose):
        """Return True: Adam has no schedule to fall back on."""
        return True


OPTIMIZERS = {"sgd": SGDOptimizer, "adam": AdamOptimizer}
