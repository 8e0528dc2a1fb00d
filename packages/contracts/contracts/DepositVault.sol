// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Deposit vault
/// @notice Buyers deposit tokens for a coordinator account id (its ASCII, right-padded to
/// 32 bytes); the coordinator credits that account when it sees the Deposited event.
contract DepositVault is AccessControl {
    using SafeERC20 for IERC20;

    bytes32 public constant TREASURER_ROLE = keccak256("TREASURER_ROLE");

    IERC20 public immutable token;

    event Deposited(bytes32 indexed accountId, address indexed from, uint256 amount);
    event Withdrawn(address indexed to, uint256 amount);

    error ZeroAmount();

    constructor(IERC20 token_, address admin) {
        token = token_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Moves `amount` from the caller (after approve) into the vault for `accountId`.
    function deposit(bytes32 accountId, uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        token.safeTransferFrom(msg.sender, address(this), amount);
        emit Deposited(accountId, msg.sender, amount);
    }

    /// @notice Moves deposited tokens out (e.g. to fund the distributor); TREASURER_ROLE only.
    function withdraw(address to, uint256 amount) external onlyRole(TREASURER_ROLE) {
        token.safeTransfer(to, amount);
        emit Withdrawn(to, amount);
    }
}
